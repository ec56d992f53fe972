import { ActionIcon, Group, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconEye, IconHistory, IconPencil, IconRefresh } from '@tabler/icons-react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/api-error';
import type { Customer, TargetKind } from '../../api/types';
import { programPath } from '../programs/program-paths';
import { useSyncNow } from '../sync/use-sync-now';

interface CustomerRowActionsProps {
  target: TargetKind;
  customer: Customer;
  canMap: boolean;
  /** Its sync is queued or running: Sync now would only wait behind it. */
  busy: boolean;
  onEdit: (customer: Customer) => void;
  onPreview: (customer: Customer) => void;
}

/** The row's pencil (the mapping dialog) and its menu: Sync now, Preview sync, History. */
export function CustomerRowActions({
  target,
  customer,
  canMap,
  busy,
  onEdit,
  onPreview,
}: CustomerRowActionsProps) {
  const syncNow = useSyncNow();
  const syncing = customer.mapped && customer.syncOn;
  const syncNowWhy = !canMap
    ? 'An operator syncs customers'
    : !customer.mapped
      ? 'Map the customer first'
      : !customer.syncOn
        ? 'Switch its sync on first'
        : busy
          ? 'Its sync is already on its way'
          : undefined;
  const startSync = () =>
    syncNow.mutate(
      { kind: 'customer', target, tenantId: customer.tenantId, label: customer.name },
      {
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: `Could not sync ${customer.name}`,
            message: errorMessage(error),
          }),
      },
    );
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      <ActionIcon
        variant="subtle"
        onClick={() => onEdit(customer)}
        aria-label={`Edit mapping of ${customer.name}`}
        title={canMap ? 'Edit the mapping: PSA company, contract, pricing, sync start' : 'View the mapping'}
        data-testid="edit-mapping"
      >
        <IconPencil size={18} aria-hidden />
      </ActionIcon>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`More for ${customer.name}`}>
            <IconDots size={18} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            leftSection={<IconRefresh size={16} aria-hidden />}
            disabled={syncNowWhy !== undefined || syncNow.isPending}
            title={syncNowWhy}
            onClick={startSync}
          >
            Sync now
          </Menu.Item>
          <Menu.Item
            leftSection={<IconEye size={16} aria-hidden />}
            disabled={!syncing || !canMap}
            onClick={() => onPreview(customer)}
          >
            Preview sync
          </Menu.Item>
          <Menu.Item
            leftSection={<IconHistory size={16} aria-hidden />}
            component={Link}
            to={`${programPath(target, 'history')}?customer=${encodeURIComponent(customer.tenantId)}`}
          >
            History
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
