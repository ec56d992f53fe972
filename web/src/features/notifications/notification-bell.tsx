import {
  ActionIcon,
  Anchor,
  Button,
  Divider,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBell } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import type { AppNotification } from '../../api/types';
import { formatRelative } from '../../lib/format';
import { useMarkRead, useNotifications } from './notification-queries';

const LEVEL_COLOR = { info: 'dimmed', warning: 'orange.9', error: 'red.8' } as const;

/** The header's bell: unread count, and the latest notifications with a link to their run. */
export function NotificationBell() {
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const navigate = useNavigate();
  const [opened, { toggle, close }] = useDisclosure(false);
  if (notifications.isError || !notifications.data) return null;
  const { items, unread } = notifications.data;

  const open = (n: AppNotification) => {
    if (!n.readAt) markRead.mutate(n.id);
    close();
    if (n.runId) navigate(`/history/${n.runId}`);
  };

  return (
    <Popover opened={opened} onChange={(o) => !o && close()} position="bottom-end" width={380} shadow="md">
      <Popover.Target>
        <Indicator
          label={unread > 99 ? '99+' : unread}
          size={16}
          disabled={unread === 0}
          color="red"
          offset={4}
        >
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            onClick={toggle}
            aria-label={unread ? `Notifications: ${unread} unread` : 'Notifications'}
            data-testid="notifications-button"
          >
            <IconBell size={20} aria-hidden />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" px="md" py="xs">
          <Text fw={600} size="sm">
            Notifications
          </Text>
          {unread > 0 && (
            <Button variant="subtle" size="compact-xs" onClick={() => markRead.mutate('all')}>
              Mark all read
            </Button>
          )}
        </Group>
        <Divider />
        {items.length === 0 ? (
          <Text size="sm" c="dimmed" p="md">
            No notifications. Runs with warnings or errors show up here.
          </Text>
        ) : (
          <ScrollArea.Autosize mah={420}>
            <Stack gap={0}>
              {items.map((n) => (
                <Anchor
                  key={n.id}
                  component="button"
                  type="button"
                  onClick={() => open(n)}
                  underline="never"
                  c="inherit"
                  px="md"
                  py="xs"
                  ta="left"
                  style={{
                    borderBottom: '1px solid var(--mantine-color-gray-2)',
                    display: 'block',
                    width: '100%',
                    background: n.readAt ? undefined : 'var(--mantine-color-indigo-0)',
                  }}
                >
                  <Text size="sm" fw={n.readAt ? 400 : 600} c={LEVEL_COLOR[n.level]}>
                    {n.title}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {n.body}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatRelative(n.createdAt)}
                  </Text>
                </Anchor>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
