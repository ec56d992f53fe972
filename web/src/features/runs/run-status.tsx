import { Badge, type BadgeProps, Loader, type MantineColor } from '@mantine/core';
import type { ItemStatus, RunStatus } from '../../api/types';

export const RUN_STATUS_LOOK: Record<RunStatus, { label: string; color: MantineColor }> = {
  no_change: { label: 'No Change', color: 'gray' },
  success: { label: 'Success', color: 'green' },
  warning: { label: 'Warning', color: 'orange' },
  error: { label: 'Error', color: 'red' },
  awaiting_approval: { label: 'Awaiting approval', color: 'violet' },
  running: { label: 'Running', color: 'blue' },
  interrupted: { label: 'Interrupted', color: 'yellow' },
  preview: { label: 'Preview', color: 'cyan' },
  rejected: { label: 'Rejected', color: 'dark' },
  superseded: { label: 'Superseded', color: 'gray' },
};

/** A run's status as a chip, in words and colour. */
export function RunStatusBadge({ status, ...props }: { status: RunStatus } & BadgeProps) {
  const look = RUN_STATUS_LOOK[status];
  return (
    <Badge
      color={look.color}
      variant={status === 'no_change' || status === 'superseded' ? 'outline' : 'light'}
      leftSection={status === 'running' ? <Loader size={10} color="blue" aria-hidden /> : undefined}
      data-status={status}
      {...props}
    >
      {look.label}
    </Badge>
  );
}

export const ITEM_STATUS_LOOK: Record<ItemStatus, { label: string; color: MantineColor }> = {
  no_change: { label: 'No change', color: 'gray' },
  ok: { label: 'OK', color: 'green' },
  warning: { label: 'Warning', color: 'orange' },
  error: { label: 'Error', color: 'red' },
  skipped: { label: 'Skipped', color: 'gray' },
};

export function ItemStatusBadge({ status }: { status: ItemStatus }) {
  const look = ITEM_STATUS_LOOK[status];
  return (
    <Badge
      color={look.color}
      variant={status === 'no_change' || status === 'skipped' ? 'outline' : 'light'}
      size="sm"
    >
      {look.label}
    </Badge>
  );
}
