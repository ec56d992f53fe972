import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/client';
import type { CompanyContracts, Customer, TargetKind } from '../../api/types';
import { useSaveMapping } from './customer-queries';

interface SuggestionCellProps {
  target: TargetKind;
  customer: Customer;
  readOnly: boolean;
  /** Opens the mapping dialog (several contracts to choose from, or none). */
  onReview: () => void;
}

/**
 * An unmapped customer's suggested PSA company with a one-click Confirm: mapped to the company's only mappable
 * contract, sync still off (the user switches it on). Several or no contracts: the dialog opens.
 */
export function SuggestionCell({ target, customer, readOnly, onReview }: SuggestionCellProps) {
  const suggestion = customer.suggestion!;
  const queryClient = useQueryClient();
  const save = useSaveMapping(target);
  const [checking, setChecking] = useState(false);

  const confirm = async () => {
    setChecking(true);
    try {
      const contracts = await queryClient.fetchQuery({
        queryKey: ['psa-contracts', target, suggestion.companyId],
        queryFn: () =>
          api<CompanyContracts>(
            `/api/psa/${target}/companies/${encodeURIComponent(suggestion.companyId)}/contracts`,
          ),
        staleTime: 60_000,
      });
      const only = contracts.items.length === 1 ? contracts.items[0] : undefined;
      if (!only) {
        onReview();
        return;
      }
      await save.mutateAsync({
        tenantId: customer.tenantId,
        mapping: { companyId: suggestion.companyId, contractId: only.id, syncOn: false },
      });
      notifications.show({
        color: 'green',
        title: 'Mapping confirmed',
        message: `${customer.name} → ${suggestion.companyName}, ${only.name}. Switch Sync on when ready.`,
      });
    } catch (error) {
      notifications.show({
        color: 'red',
        title: 'Could not confirm the mapping',
        message: errorMessage(error),
      });
    } finally {
      setChecking(false);
    }
  };

  return (
    <Stack gap={2}>
      <Text size="sm" c="indigo.8" fs="italic" lh={1.2}>
        {suggestion.companyName}?
      </Text>
      <Group gap={6} wrap="nowrap">
        <Text size="xs" c="dimmed">
          Suggested ({suggestion.reason})
        </Text>
        {!readOnly && (
          <Button
            size="compact-xs"
            variant="light"
            onClick={confirm}
            loading={checking}
            aria-label={`Confirm ${suggestion.companyName} for ${customer.name}`}
          >
            Confirm
          </Button>
        )}
      </Group>
    </Stack>
  );
}
