import { Badge, Burger, Button, Divider, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLogout } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { errorMessage, isApiError } from '../api/api-error';
import { useSignedInSession } from '../features/auth/session-context';
import { useLogout } from '../features/auth/use-auth-actions';
import { NotificationBell } from '../features/notifications/notification-bell';

interface AppHeaderProps {
  navOpened: boolean;
  onToggleNav: () => void;
}

/** Product name, workspace, signed-in user and the Log out action. */
export function AppHeader({ navOpened, onToggleNav }: AppHeaderProps) {
  const { user, workspace } = useSignedInSession();
  const logout = useLogout();
  const navigate = useNavigate();

  const signOut = async () => {
    try {
      await logout.mutateAsync();
      navigate('/login', { replace: true });
    } catch (error) {
      if (isApiError(error) && error.status === 401) return;
      notifications.show({ color: 'red', title: 'Sign-out failed', message: errorMessage(error) });
    }
  };

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="sm" wrap="nowrap">
        <Burger
          opened={navOpened}
          onClick={onToggleNav}
          hiddenFrom="sm"
          size="sm"
          aria-label={navOpened ? 'Close navigation' : 'Open navigation'}
        />
        <Text fw={800} fz="xl" c="indigo.7">
          billsync
        </Text>
        <Divider orientation="vertical" visibleFrom="sm" />
        <Text fw={500} truncate="end" maw={320} visibleFrom="sm" data-testid="workspace-name">
          {workspace.name}
        </Text>
      </Group>
      <Group gap="sm" wrap="nowrap">
        <NotificationBell />
        <Text size="sm" truncate="end" maw={280} visibleFrom="sm" data-testid="user-email">
          {user.email}
        </Text>
        <Badge variant="light" color="gray" visibleFrom="sm" data-testid="user-role">
          {user.role}
        </Badge>
        <Button
          variant="default"
          size="xs"
          leftSection={<IconLogout size={16} aria-hidden />}
          onClick={signOut}
          loading={logout.isPending}
        >
          Log out
        </Button>
      </Group>
    </Group>
  );
}
