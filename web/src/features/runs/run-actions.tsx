import { Button, Group, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import type { RunDetail } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { useCan } from '../auth/use-can';
import { runPath } from '../programs/program-paths';
import { useSyncNow } from '../sync/use-sync-now';
import { isShadowRun } from './run-comparison';
import { type RunAction, useRunAction } from './run-queries';
import { RUN_STATUS_LOOK } from './run-status';

interface ActionButton {
  action: RunAction;
  label: string;
  color: string;
  variant: string;
}

const DONE: Record<RunAction, string> = { approve: 'approved', reject: 'rejected', resume: 'resumed' };

function buttonsOf(run: RunDetail): ActionButton[] {
  if (run.status === 'interrupted')
    return [{ action: 'resume', label: 'Resume', color: 'indigo', variant: 'filled' }];
  if (run.status !== 'awaiting_approval') return [];
  // A shadow first sync is applied (written) or rejected; a change over the threshold is approved or rejected.
  return [
    { action: 'approve', label: isShadowRun(run) ? 'Apply' : 'Approve', color: 'indigo', variant: 'filled' },
    { action: 'reject', label: 'Reject', color: 'red', variant: 'light' },
  ];
}

/** Apply or Approve / Reject (awaiting approval), Resume (interrupted) and Sync now (a preview), for operators. */
export function RunActions({ run }: { run: RunDetail }) {
  const canAct = useCan('operator');
  const act = useRunAction();
  const syncNow = useSyncNow();
  const navigate = useNavigate();
  if (!canAct) return null;
  if (run.status === 'preview' && run.kind === 'customer' && run.tenantId && run.operations > 0) {
    const tenantId = run.tenantId;
    return (
      <Stack gap="xs" align="flex-end">
        <Button
          loading={syncNow.isPending}
          onClick={() =>
            syncNow.mutate({
              kind: 'customer',
              target: run.target === 'connectwise' ? 'connectwise' : 'autotask',
              tenantId,
              label: run.customerName ?? tenantId,
            })
          }
        >
          Sync now
        </Button>
        {syncNow.isError && <ErrorAlert error={syncNow.error} title="Could not start the sync" />}
      </Stack>
    );
  }
  const actions = buttonsOf(run);
  if (actions.length === 0) return null;
  const shadow = isShadowRun(run);
  const go = (action: RunAction) =>
    act.mutate(
      { id: run.id, action },
      {
        onSuccess: (summary) => {
          const look = RUN_STATUS_LOOK[summary.status];
          notifications.show({
            color: look.color,
            title: `Run ${shadow && action === 'approve' ? 'applied' : DONE[action]}`,
            message: `Status: ${look.label}.`,
          });
          if (summary.runId !== run.id) navigate(runPath(run.target, summary.runId));
        },
      },
    );
  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="sm">
        {actions.map((a) => (
          <Button
            key={a.action}
            color={a.color}
            variant={a.variant}
            loading={act.isPending && act.variables?.action === a.action}
            disabled={act.isPending}
            onClick={() => go(a.action)}
          >
            {a.label}
          </Button>
        ))}
      </Group>
      {act.isError && <ErrorAlert error={act.error} title="Could not do that" />}
    </Stack>
  );
}
