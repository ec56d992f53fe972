import { Select, Text } from '@mantine/core';
import { useEffect } from 'react';
import type { TargetKind } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatPlainDate } from '../../lib/format';
import { CONTRACT_WORD, TARGET_LABEL } from '../programs/program-paths';
import { useContracts } from './customer-queries';

interface ContractSelectProps {
  target: TargetKind;
  companyId: string | null;
  value: string | null;
  onChange: (contractId: string | null) => void;
  error?: string | undefined;
}

/**
 * The company's Recurring Service contracts that can take billsync's lines. Ended (and inactive) contracts are
 * not offered; a line says how many are hidden and why (spec section 5).
 */
export function ContractSelect({ target, companyId, value, onChange, error }: ContractSelectProps) {
  const contracts = useContracts(target, companyId);
  const items = contracts.data?.items ?? [];
  const only = items.length === 1 ? items[0]!.id : null;

  // One mappable contract: take it.
  useEffect(() => {
    if (only && !value) onChange(only);
  }, [only, value, onChange]);

  const data = items.map((c) => ({
    value: c.id,
    label: `${c.name} (${formatPlainDate(c.startDate)} – ${c.endDate ? formatPlainDate(c.endDate) : 'no end date'})`,
  }));
  const label = TARGET_LABEL[target];
  const word = CONTRACT_WORD[target];
  const hidden = contracts.data?.hidden;
  const none = contracts.isSuccess && items.length === 0;

  return (
    <>
      <Select
        label={word.title}
        description={`${word.kind[0]!.toUpperCase()}${word.kind.slice(1)}s that have not ended.`}
        placeholder={
          !companyId
            ? 'Choose the company first'
            : contracts.isPending
              ? `Loading ${word.one}s…`
              : none
                ? `No ${word.one} can be mapped`
                : `Choose ${word.one === 'agreement' ? 'an' : 'a'} ${word.one}`
        }
        data={data}
        value={value && data.some((d) => d.value === value) ? value : null}
        onChange={onChange}
        disabled={!companyId || none}
        required
        error={error}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      {hidden && hidden.count > 0 && (
        <Text size="xs" c="orange.9" data-testid="contracts-hidden">
          {hidden.reason ?? `${hidden.count} ${word.one}(s) hidden`}
        </Text>
      )}
      {none && (
        <Text size="xs" c="dimmed">
          Create a {word.kind} for this company in {label} (or extend an ended one), then reopen this dialog.
        </Text>
      )}
      {contracts.isError && (
        <ErrorAlert
          error={contracts.error}
          title={`Could not read the ${word.one}s from ${label}`}
          onRetry={() => contracts.refetch()}
        />
      )}
    </>
  );
}
