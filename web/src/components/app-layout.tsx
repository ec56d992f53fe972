import { AppShell } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet } from 'react-router';
import { SyncWatcher } from '../features/sync/sync-watcher';
import { AppHeader } from './app-header';
import { AppNavigation } from './app-navigation';

/** The signed-in frame: header on top, navigation on the left, the page in the middle. */
export function AppLayout() {
  const [navOpened, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <AppShell.Header>
        <AppHeader navOpened={navOpened} onToggleNav={toggle} />
      </AppShell.Header>
      <AppShell.Navbar>
        <AppNavigation onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1} bg="var(--mantine-color-gray-0)">
        <Outlet />
      </AppShell.Main>
      <SyncWatcher />
    </AppShell>
  );
}
