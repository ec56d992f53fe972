import { Select, Text } from '@mantine/core';
import { useEffect } from 'react';
import type { TargetKind } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatPlainDate } from '../../lib/format';
import { CONTRACT_WORD, TARGET_LABEL } from '../programs/program-paths';
import { type ContractKind, useContracts } from './customer-queries';

interface ContractSelectProps {
  target: TargetKind;
  /** recurring: the contract of the lines (required); annual: where annual subscriptions go (optional, decision 0015). */
  kind?: ContractKind;
  companyId: string | null;
  value: string | null;
  onChange: (contractId: string | null) => void;
  error?: string | undefined;
}

/** What the select says for a kind of contract of a PSA. */
interface Words {
  label: string;
  description: string;
  /** With its article: "a Fixed Price contract". */
  a: string;
  many: string;
}

const ANNUAL_WORDS: Record<TargetKind, { one: string; many: string; list: string }> = {
  autotask: {
    one: 'a Fixed Price contract',
    many: 'Fixed Price contracts',
    list: 'Fixed Price contracts for annual subscriptions',
  },
  connectwise: {
    one: 'an agreement billed one time',
    many: 'agreements billed one time',
    list: 'Agreements billed one time',
  },
};

function wordsOf(target: TargetKind, kind: ContractKind): Words {
  if (kind === 'annual') {
    const w = ANNUAL_WORDS[target];
    return {
      label: 'Annual contract',
      description: `${w.list}, not ended. Annual-billed subscriptions are booked here as one-time charges.`,
      a: w.one,
      many: w.many,
    };
  }
  const word = CONTRACT_WORD[target];
  return {
    label: word.title,
    description: `${word.kind[0]!.toUpperCase()}${word.kind.slice(1)}s that have not ended.`,
    a: `${word.one === 'agreement' ? 'an' : 'a'} ${word.one}`,
    many: `${word.one}s`,
  };
}

/** The "None" choice of the annual contract (a select's values are strings). */
const NONE = 'none';

/**
 * A company's contracts of one kind that can be mapped: the Recurring Service contracts that take billsync's lines,
 * or (kind annual) the contracts annual subscriptions are booked on, with a None choice. Ended (and inactive)
 * contracts are not offered; a line says how many are hidden and why (spec section 5).
 */
export function ContractSelect({
  target,
  kind = 'recurring',
  companyId,
  value,
  onChange,
  error,
}: ContractSelectProps) {
  const contracts = useContracts(target, companyId, kind);
  const items = contracts.data?.items ?? [];
  const annual = kind === 'annual';
  const only = !annual && items.length === 1 ? items[0]!.id : null;

  // One mappable contract of the lines: take it (the annual one stays a choice: it can be None).
  useEffect(() => {
    if (only && !value) onChange(only);
  }, [only, value, onChange]);

  const data = [
    ...(annual ? [{ value: NONE, label: 'None' }] : []),
    ...items.map((c) => ({
      value: c.id,
      label: `${c.name} (${formatPlainDate(c.startDate)} – ${c.endDate ? formatPlainDate(c.endDate) : 'no end date'})`,
    })),
  ];
  const label = TARGET_LABEL[target];
  const words = wordsOf(target, kind);
  const hidden = contracts.data?.hidden;
  const none = contracts.isSuccess && items.length === 0;
  const shown = annual && value === null ? NONE : value && data.some((d) => d.value === value) ? value : null;

  return (
    <>
      <Select
        label={words.label}
        description={words.description}
        placeholder={
          !companyId
            ? 'Choose the company first'
            : contracts.isPending
              ? `Loading ${words.many}…`
              : none && !annual
                ? `No ${CONTRACT_WORD[target].one} can be mapped`
                : `Choose ${words.a}`
        }
        data={data}
        value={companyId ? shown : null}
        onChange={(v) => onChange(v === NONE && annual ? null : v)}
        disabled={!companyId || (none && !annual)}
        required={!annual}
        error={error}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      {hidden && hidden.count > 0 && (
        <Text size="xs" c="orange.9" data-testid={annual ? 'annual-contracts-hidden' : 'contracts-hidden'}>
          {hidden.reason ?? `${hidden.count} ${CONTRACT_WORD[target].one}(s) hidden`}
        </Text>
      )}
      {none && (
        <Text size="xs" c="dimmed">
          {annual
            ? `To book annual subscriptions, create ${words.a} for this company in ${label} (or extend an ended one), then reopen this dialog.`
            : `Create a ${CONTRACT_WORD[target].kind} for this company in ${label} (or extend an ended one), then reopen this dialog.`}
        </Text>
      )}
      {contracts.isError && (
        <ErrorAlert
          error={contracts.error}
          title={`Could not read the ${words.many} from ${label}`}
          onRetry={() => contracts.refetch()}
        />
      )}
    </>
  );
}
