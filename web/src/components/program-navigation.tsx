import { NavLink, Text } from '@mantine/core';
import { Link } from 'react-router';

/**
 * A configured program of one PSA connection, e.g. "Microsoft CSP" on Autotask (behaviour spec section 3).
 * `basePath` is where its pages live, e.g. `/programs/autotask/csp`.
 */
export interface ProgramNavItem {
  key: string;
  /** e.g. "Autotask → Microsoft CSP". */
  label: string;
  basePath: string;
}

const tabs = [
  { segment: 'settings', label: 'Settings' },
  { segment: 'customers', label: 'Customers' },
  { segment: 'products', label: 'Products' },
  { segment: 'history', label: 'History' },
  { segment: 'reconciliation', label: 'Reconciliation' },
] as const;

interface ProgramNavigationProps {
  programs: readonly ProgramNavItem[];
  pathname: string;
  onNavigate: () => void;
}

/** The place in the left navigation where each configured PSA program appears with its tabs. */
export function ProgramNavigation({ programs, pathname, onNavigate }: ProgramNavigationProps) {
  if (programs.length === 0) {
    return (
      <Text size="xs" c="dimmed" px="sm" data-testid="programs-empty">
        No program is configured yet. Once a PSA is connected and its Microsoft CSP program is set up, it
        appears here with Settings, Customers, Products, History and Reconciliation.
      </Text>
    );
  }
  return programs.map((program) => (
    <NavLink key={program.key} label={program.label} defaultOpened childrenOffset="md">
      {tabs.map((tab) => {
        const to = `${program.basePath}/${tab.segment}`;
        const active = pathname === to || pathname.startsWith(`${to}/`);
        return (
          <NavLink
            key={tab.segment}
            component={Link}
            to={to}
            label={tab.label}
            active={active}
            aria-current={active ? 'page' : undefined}
            onClick={onNavigate}
          />
        );
      })}
    </NavLink>
  ));
}
