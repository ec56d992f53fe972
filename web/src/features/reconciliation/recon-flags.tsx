import { Group, type MantineColor, Table, Text, Tooltip } from '@mantine/core';
import type { ReconFigures, ReconFlag } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { formatDelta, formatMoney } from '../../lib/format';

type FlagKind = ReconFlag['kind'];

/** A flag's badge: a short word and a colour; what is wrong in full is in the tooltip (the server's text). */
export const FLAG_LOOK: Record<FlagKind, { label: string; color: MantineColor }> = {
  'below-cost': { label: 'Below cost', color: 'red' },
  problem: { label: 'Cannot bill', color: 'red' },
  differs: { label: 'Differs', color: 'orange' },
  'price-change': { label: 'Price change', color: 'yellow' },
  'not-synced': { label: 'Not synced', color: 'blue' },
};

/** The most serious first: what loses money, then what differs, then what is only late. */
const ORDER: FlagKind[] = ['below-cost', 'problem', 'differs', 'price-change', 'not-synced'];

export function sortFlags(flags: readonly ReconFlag[]): ReconFlag[] {
  return [...flags].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** The flags of a figure as coloured badges, each explained in words on hover and on keyboard focus. */
export function FlagBadges({ flags, empty = '' }: { flags: readonly ReconFlag[]; empty?: string }) {
  if (flags.length === 0)
    return empty ? (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    ) : null;
  return (
    <Group gap={4} wrap="wrap">
      {sortFlags(flags).map((f) => (
        <Tooltip key={`${f.kind}:${f.text}`} label={f.text} multiline maw={360} withArrow>
          <StatusChip
            color={FLAG_LOOK[f.kind].color}
            size="sm"
            tabIndex={0}
            aria-label={`${FLAG_LOOK[f.kind].label}: ${f.text}`}
            data-testid="recon-flag"
            data-status={f.kind}
          >
            {FLAG_LOOK[f.kind].label}
          </StatusChip>
        </Tooltip>
      ))}
    </Group>
  );
}

// An amount is read whole: never "USD" on one line and the figure on the next.
const NOWRAP = { whiteSpace: 'nowrap' } as const;

/** Below zero in red: money lost. */
export function MoneyCell({ value, currency }: { value: string; currency: string | null }) {
  return (
    <Text size="sm" ff="monospace" ta="right" c={Number(value) < 0 ? 'red.8' : 'inherit'} style={NOWRAP}>
      {formatMoney(value, currency)}
    </Text>
  );
}

/** The PSA against the expected retail, signed; any difference in orange (more) or red (less). */
export function DifferenceCell({ value, currency }: { value: string; currency: string | null }) {
  const n = Number(value);
  return (
    <Text
      size="sm"
      ff="monospace"
      ta="right"
      c={n < 0 ? 'red.8' : n > 0 ? 'orange.9' : 'inherit'}
      fw={n === 0 ? 400 : 600}
      style={NOWRAP}
    >
      {formatDelta(value, currency)}
    </Text>
  );
}

/** `21.5%`, or a dash when nothing is billed. */
export function formatPercent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)}%`;
}

/** The five figure cells of a row (customer or offer): cost, expected retail, billed, margin with %, difference. */
export function FigureCells({ f, currency }: { f: ReconFigures; currency: string | null }) {
  return (
    <>
      <Table.Td data-testid="recon-cell-cost">
        <MoneyCell value={f.cost} currency={currency} />
      </Table.Td>
      <Table.Td data-testid="recon-cell-expected">
        <MoneyCell value={f.expected} currency={currency} />
      </Table.Td>
      <Table.Td data-testid="recon-cell-billed">
        <MoneyCell value={f.billed} currency={currency} />
      </Table.Td>
      <Table.Td data-testid="recon-cell-margin">
        <MoneyCell value={f.margin} currency={currency} />
        <Text size="xs" c="dimmed" ta="right" data-testid="recon-cell-margin-percent">
          {formatPercent(f.marginPercent)}
        </Text>
      </Table.Td>
      <Table.Td data-testid="recon-cell-difference">
        <DifferenceCell value={f.difference} currency={currency} />
      </Table.Td>
    </>
  );
}
