import { Alert, Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Customer, TargetKind } from '../../api/types';
import { TARGET_LABEL } from '../programs/program-paths';
import type { useClearMapping } from './customer-queries';

interface ClearMappingConfirmProps {
  target: TargetKind;
  customer: Customer;
  clear: ReturnType<typeof useClearMapping>;
  onCleared: () => void;
  onKeep: () => void;
}

/** "Clear this mapping?": sync off, company and contract forgotten, history kept, nothing changed in the PSA. */
export function ClearMappingConfirm({
  target,
  customer,
  clear,
  onCleared,
  onKeep,
}: ClearMappingConfirmProps) {
  const label = TARGET_LABEL[target];
  const doClear = () =>
    clear.mutate(customer.tenantId, {
      onSuccess: () => {
        notifications.show({
          color: 'gray',
          title: 'Mapping cleared',
          message: `${customer.name}: sync is off; its history is kept and nothing was changed in ${label}.`,
        });
        onCleared();
      },
    });
  return (
    <Alert color="red" variant="light" title="Clear this mapping?">
      Sync goes off and the company and contract are forgotten. The history is kept and nothing is changed in{' '}
      {label}.
      <Group mt="sm">
        <Button color="red" size="xs" onClick={doClear} loading={clear.isPending}>
          Clear mapping
        </Button>
        <Button variant="default" size="xs" onClick={onKeep}>
          Keep it
        </Button>
      </Group>
    </Alert>
  );
}
