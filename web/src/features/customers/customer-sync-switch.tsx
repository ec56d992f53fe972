import { Switch, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../../api/api-error';
import type { Customer, TargetKind } from '../../api/types';
import { useSaveMapping } from './customer-queries';

/**
 * The per-row Sync switch: disabled until the customer is mapped to a company and contract. A paused customer's
 * switch is off; switching it on resumes the sync (saving with sync on clears the pause).
 */
export function CustomerSyncSwitch({
  target,
  customer,
  readOnly,
}: {
  target: TargetKind;
  customer: Customer;
  readOnly: boolean;
}) {
  const save = useSaveMapping(target);
  const mapped = customer.mapped && !!customer.contractId;
  const checked = save.isPending ? !!save.variables?.mapping.syncOn : customer.syncOn;
  const toggle = (on: boolean) =>
    save.mutate(
      {
        tenantId: customer.tenantId,
        mapping: {
          companyId: customer.companyId!,
          contractId: customer.contractId!,
          ...(customer.strategy ? { strategy: customer.strategy } : {}),
          ...(customer.syncStart ? { syncStart: customer.syncStart } : {}),
          syncOn: on,
        },
      },
      {
        onSuccess: () => {
          if (on && customer.pausedReason)
            notifications.show({
              color: 'green',
              title: 'Sync resumed',
              message: `${customer.name}: billsync syncs this customer again from the next run.`,
            });
        },
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: `Could not switch sync ${on ? 'on' : 'off'} for ${customer.name}`,
            message: errorMessage(error),
          }),
      },
    );
  const control = (
    <Switch
      checked={checked}
      disabled={!mapped || readOnly || save.isPending}
      onChange={(e) => toggle(e.currentTarget.checked)}
      aria-label={`Sync ${customer.name}`}
    />
  );
  if (mapped) return control;
  return (
    <Tooltip label="Map the customer first" withArrow>
      <span>{control}</span>
    </Tooltip>
  );
}
