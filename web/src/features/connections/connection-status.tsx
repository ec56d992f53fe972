import { Badge, type MantineColor } from '@mantine/core';
import type { ConnectionStatus } from '../../api/types';

export type CardState = ConnectionStatus | 'not_connected' | 'checking';

const LOOK: Record<CardState, { label: string; color: MantineColor }> = {
  not_connected: { label: 'Not connected', color: 'gray' },
  unknown: { label: 'Not tested', color: 'gray' },
  checking: { label: 'Checking…', color: 'blue' },
  connected: { label: 'Connected', color: 'green' },
  error: { label: 'Error', color: 'red' },
  needs_setup: { label: 'Needs setup', color: 'yellow' },
};

/** The card's state in colour and in words (never colour alone). */
export function ConnectionStatusBadge({ state, testId }: { state: CardState; testId?: string }) {
  const look = LOOK[state];
  return (
    <Badge color={look.color} variant="light" size="lg" data-testid={testId}>
      {look.label}
    </Badge>
  );
}
