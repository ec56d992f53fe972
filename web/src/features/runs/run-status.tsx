import { Loader, type MantineColor, type MantineSize } from '@mantine/core';
import type { ItemStatus, RunStatus } from '../../api/types';
import { StatusChip } from '../../components/status-chip';

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

/** A run's status as a chip, in words and colour (a chip, never a button: the run's link is beside it). */
export function RunStatusBadge({
  status,
  size,
  'data-testid': testId,
}: {
  status: RunStatus;
  size?: MantineSize;
  'data-testid'?: string;
}) {
  const look = RUN_STATUS_LOOK[status];
  return (
    <StatusChip
      color={look.color}
      data-status={status}
      {...(size ? { size } : {})}
      {...(testId ? { 'data-testid': testId } : {})}
      {...(status === 'running' ? { icon: <Loader size={10} color="blue" aria-hidden /> } : {})}
    >
      {look.label}
    </StatusChip>
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
    <StatusChip color={look.color} size="sm">
      {look.label}
    </StatusChip>
  );
}
