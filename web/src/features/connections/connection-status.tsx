import type { MantineColor } from '@mantine/core';
import type { ConnectionStatus } from '../../api/types';
import { StatusChip } from '../../components/status-chip';

export type CardState = ConnectionStatus | 'not_connected' | 'checking';

const LOOK: Record<CardState, { label: string; color: MantineColor }> = {
  not_connected: { label: 'Not connected', color: 'gray' },
  unknown: { label: 'Not tested', color: 'gray' },
  checking: { label: 'Checking…', color: 'blue' },
  connected: { label: 'Connected', color: 'green' },
  error: { label: 'Error', color: 'red' },
  needs_setup: { label: 'Needs setup', color: 'yellow' },
};

/** The card's state in colour and in words (never colour alone), as a chip that does not look like a button. */
export function ConnectionStatusBadge({ state, testId }: { state: CardState; testId?: string }) {
  const look = LOOK[state];
  return (
    <StatusChip color={look.color} size="lg" {...(testId ? { 'data-testid': testId } : {})}>
      {look.label}
    </StatusChip>
  );
}
