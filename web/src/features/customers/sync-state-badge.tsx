import { Tooltip } from '@mantine/core';
import type { Customer } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { formatDateTime } from '../../lib/format';

/** A customer whose shadow first sync is still ahead (nothing synced yet). */
export const awaitsShadowSync = (c: Customer) => c.mapped && c.shadow && !c.lastSyncedAt;

/**
 * Next to the Sync switch: "Paused" (red) when billsync paused the customer's sync because the PSA did not bill
 * what it wrote, with the reason in a tooltip; "Shadow" when the first sync will be compared and wait to be
 * applied. Focusable, so the tooltip opens from the keyboard too.
 */
export function SyncStateBadge({ customer: c }: { customer: Customer }) {
  if (c.pausedReason) {
    const since = c.pausedAt ? ` (paused ${formatDateTime(c.pausedAt)})` : '';
    return (
      <Tooltip
        label={`${c.pausedReason}${since}. Check the contract, then switch sync on to resume.`}
        multiline
        w={380}
        withArrow
        events={{ hover: true, focus: true, touch: true }}
      >
        <StatusChip
          color="red"
          size="sm"
          tabIndex={0}
          data-testid="paused-badge"
          aria-label={`Paused: ${c.pausedReason}`}
        >
          Paused
        </StatusChip>
      </Tooltip>
    );
  }
  if (awaitsShadowSync(c)) {
    return (
      <Tooltip
        label="Shadow first sync: the first sync is compared with what the contract bills and waits in History until you apply it."
        multiline
        w={320}
        withArrow
        events={{ hover: true, focus: true, touch: true }}
      >
        <StatusChip color="violet" size="sm" tabIndex={0} data-testid="shadow-badge">
          Shadow
        </StatusChip>
      </Tooltip>
    );
  }
  return null;
}
