import { NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import {
  IconFileUpload,
  IconLayoutDashboard,
  IconPlugConnected,
  IconReceipt,
  IconSettings,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { Link, useLocation } from 'react-router';
import { useProgramNavItems } from '../features/programs/use-program-nav-items';
import { ProgramNavigation } from './program-navigation';

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number; stroke?: number; 'aria-hidden'?: boolean }>;
}

const mainItems: readonly NavItem[] = [
  { to: '/', label: 'Dashboard', icon: IconLayoutDashboard },
  { to: '/connections', label: 'Connections', icon: IconPlugConnected },
  { to: '/sources', label: 'Sources', icon: IconFileUpload },
  { to: '/pricing/rules', label: 'Price rules', icon: IconReceipt },
  { to: '/settings', label: 'Settings', icon: IconSettings },
];

/** True when `pathname` is `to` or below it (the dashboard only matches exactly). */
export function isActivePath(pathname: string, to: string): boolean {
  if (to === '/') return pathname === '/';
  return pathname === to || pathname.startsWith(`${to}/`);
}

/** Left navigation: the main pages, then one group per configured PSA program. */
export function AppNavigation({ onNavigate }: { onNavigate: () => void }) {
  const { pathname } = useLocation();
  const programs = useProgramNavItems(pathname);
  return (
    <ScrollArea component="nav" aria-label="Main" h="100%">
      <Stack gap={2} p="sm">
        {mainItems.map(({ to, label, icon: Icon }) => {
          const active = isActivePath(pathname, to);
          return (
            <NavLink
              key={to}
              component={Link}
              to={to}
              label={label}
              leftSection={<Icon size={18} stroke={1.6} aria-hidden />}
              active={active}
              aria-current={active ? 'page' : undefined}
              onClick={onNavigate}
            />
          );
        })}
      </Stack>
      <Stack gap={2} p="sm" pt="md">
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm">
          Programs
        </Text>
        <ProgramNavigation programs={programs} pathname={pathname} onNavigate={onNavigate} />
      </Stack>
    </ScrollArea>
  );
}
