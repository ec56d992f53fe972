import { Anchor, Group, Text } from '@mantine/core';
import { IconTimeline } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { RunDetail, TargetKind } from '../../api/types';
import { timelinePath } from './recon-paths';

/**
 * On a customer run's page: the contract lines its items wrote to, each linking to its timeline (the invoices'
 * seats beside the PSA's units day by day, with this run's writes marked).
 */
export function RunTimelineLinks({ run, target }: { run: RunDetail; target: TargetKind }) {
  const seen = new Set<string>();
  const items = run.lines.flatMap((l) => {
    const tenantId = l.tenantId ?? run.tenantId;
    if (!tenantId || !l.offerKey) return [];
    const key = `${tenantId}|${l.offerKey}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ key, label: l.label, to: timelinePath(target, tenantId, l.offerKey) }];
  });
  if (items.length === 0) return null;
  return (
    <Group gap="xs" mt="sm" wrap="wrap" data-testid="run-timelines">
      <Text size="sm" c="dimmed">
        Timelines:
      </Text>
      {items.map((i) => (
        <Anchor key={i.key} component={Link} to={i.to} size="sm">
          <Group gap={4} wrap="nowrap">
            <IconTimeline size={14} aria-hidden />
            {i.label}
          </Group>
        </Anchor>
      ))}
    </Group>
  );
}
