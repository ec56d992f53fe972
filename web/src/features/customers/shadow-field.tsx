import { Alert, Checkbox, Loader, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { errorMessage } from '../../api/api-error';
import type { Customer, TargetKind } from '../../api/types';
import { TARGET_LABEL } from '../programs/program-paths';
import { useContractCheck } from './customer-queries';

const billedText = (l: { productName: string; units: string }) =>
  `${l.productName} (${l.units} ${Number(l.units) === 1 ? 'unit' : 'units'})`;

export const SHADOW_HELP =
  'The first sync is compared with what the contract bills today and written only once you apply it: no double charge when you move this customer from manual billing.';

interface ShadowFieldProps {
  target: TargetKind;
  customer: Customer;
  contractId: string | null;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

/**
 * The mapping dialog's "Shadow first sync" checkbox (issue 11). When the user picks a contract, billsync asks the
 * PSA whether it already bills one of the customer's offers; if so the box is ticked (the user may untick it)
 * and a note lists what the contract bills. The stored contract of a mapped customer keeps its stored choice.
 */
export function ShadowField({ target, customer, contractId, checked, onChange }: ShadowFieldProps) {
  const picked = contractId && contractId !== customer.contractId ? contractId : null;
  const check = useContractCheck(target, customer.tenantId, picked);
  const answer = check.data?.contractId === picked ? check.data : undefined;
  // The contract whose answer was applied (once per choice), and the one that ticked a box the user has not
  // touched since: such a box follows the contract chosen.
  const appliedFor = useRef<string | null>(null);
  const tickedFor = useRef<string | null>(null);

  useEffect(() => {
    if (tickedFor.current && tickedFor.current !== picked) {
      tickedFor.current = null;
      onChange(customer.mapped && customer.shadow);
    }
    if (!picked || !answer || appliedFor.current === picked) return;
    appliedFor.current = picked;
    if (answer.billsCustomerOffers) {
      tickedFor.current = picked;
      onChange(true);
    }
  }, [picked, answer, onChange, customer.mapped, customer.shadow]);

  const billed = answer?.lines.filter((l) => Number(l.units) !== 0) ?? [];
  return (
    <Stack gap={6}>
      <Checkbox
        label="Shadow first sync"
        description={SHADOW_HELP}
        checked={checked}
        onChange={(e) => {
          tickedFor.current = null;
          onChange(e.currentTarget.checked);
        }}
        data-testid="shadow-first-sync"
      />
      {picked && check.isFetching && (
        <Text size="xs" c="dimmed" pl={32}>
          <Loader size={10} mr={6} aria-hidden />
          Checking what this contract bills in {TARGET_LABEL[target]}…
        </Text>
      )}
      {answer?.billsCustomerOffers && billed.length > 0 && (
        <Alert
          variant="light"
          color="yellow"
          p="xs"
          ml={32}
          icon={<IconInfoCircle aria-hidden />}
          data-testid="contract-bills"
        >
          This contract already bills: {billed.map(billedText).join(', ')}
        </Alert>
      )}
      {picked && check.isError && (
        <Text size="xs" c="orange.9" pl={32}>
          Could not check what this contract bills ({errorMessage(check.error)}). Tick the box if it bills
          this customer's Microsoft products already.
        </Text>
      )}
      {customer.lastSyncedAt && checked && (
        <Text size="xs" c="dimmed" pl={32}>
          This customer has been synced before: the shadow first sync only applies while nothing is synced
          yet.
        </Text>
      )}
    </Stack>
  );
}
