import { Button, Group, Select, Text, Tooltip } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconRefresh } from '@tabler/icons-react';
import type { TargetKind } from '../../api/types';
import { formatDateTime, formatPeriod, formatRelative } from '../../lib/format';
import { TARGET_LABEL } from '../programs/program-paths';
import { type ExportTable, exportUrl } from './recon-queries';

/** The month picker: the periods with figures, newest first. */
export function PeriodSelect({
  periods,
  value,
  onChange,
}: {
  periods: readonly string[];
  value: string | null;
  onChange: (period: string) => void;
}) {
  return (
    <Select
      w={170}
      label="Month"
      data={periods.map((p) => ({ value: p, label: formatPeriod(p) }))}
      value={value}
      onChange={(v) => v && onChange(v)}
      allowDeselect={false}
      disabled={periods.length === 0}
      comboboxProps={{ withinPortal: true }}
      data-testid="recon-period"
    />
  );
}

/** When the figures were read from the PSA, and a button that reads it again. */
export function FreshnessLine({
  target,
  computedAt,
  onRefresh,
  refreshing,
}: {
  target: TargetKind;
  computedAt: string;
  onRefresh?: () => void;
  refreshing?: boolean;
}) {
  return (
    <Group gap="sm" wrap="wrap">
      <Text size="sm" c="dimmed" data-testid="recon-computed-at" title={formatDateTime(computedAt)}>
        Figures read from {TARGET_LABEL[target]} {formatRelative(computedAt)}
        {formatRelative(computedAt) === formatDateTime(computedAt) ? '' : ` (${formatDateTime(computedAt)})`}
      </Text>
      {onRefresh && (
        <Tooltip label={`Read the contracts from ${TARGET_LABEL[target]} again now`} withArrow>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconRefresh size={14} aria-hidden />}
            onClick={onRefresh}
            loading={refreshing ?? false}
          >
            Refresh
          </Button>
        </Tooltip>
      )}
    </Group>
  );
}

/** Downloads of the table on screen: CSV, and Excel. */
export function ExportButtons({
  target,
  table,
  period,
  tenantId,
  what,
}: {
  target: TargetKind;
  table: ExportTable;
  period: string | null;
  tenantId?: string;
  /** What is exported, for the buttons' hint: "the customers". */
  what: string;
}) {
  const disabled = !period;
  return (
    <Group gap="xs">
      <Button
        component="a"
        href={exportUrl(target, table, 'csv', period, tenantId)}
        download
        size="xs"
        variant="default"
        leftSection={<IconDownload size={14} aria-hidden />}
        title={`Download ${what} as a CSV file`}
        {...(disabled ? { 'data-disabled': true } : {})}
        onClick={(e) => disabled && e.preventDefault()}
      >
        Export CSV
      </Button>
      <Button
        component="a"
        href={exportUrl(target, table, 'xlsx', period, tenantId)}
        download
        size="xs"
        variant="default"
        leftSection={<IconFileSpreadsheet size={14} aria-hidden />}
        title={`Download ${what} as an Excel workbook`}
        {...(disabled ? { 'data-disabled': true } : {})}
        onClick={(e) => disabled && e.preventDefault()}
      >
        Export Excel
      </Button>
    </Group>
  );
}
