import { Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { TargetKind } from '../../api/types';
import { PROGRAM_NAME, type ProgramTab, programPath, TARGET_LABEL } from './program-paths';

const TABS: { value: ProgramTab; label: string }[] = [
  { value: 'settings', label: 'Settings' },
  { value: 'customers', label: 'Customers' },
  { value: 'products', label: 'Products' },
  { value: 'history', label: 'History' },
  { value: 'reconciliation', label: 'Reconciliation' },
];

interface ProgramPageHeaderProps {
  target: TargetKind;
  tab: ProgramTab;
  title: string;
  description?: ReactNode;
  /** Buttons on the right of the title. */
  actions?: ReactNode;
}

/** A program page's header: "Autotask → Microsoft CSP", the page's h1, and the tabs Settings … Reconciliation. */
export function ProgramPageHeader({ target, tab, title, description, actions }: ProgramPageHeaderProps) {
  const navigate = useNavigate();
  const program = `${TARGET_LABEL[target]} → ${PROGRAM_NAME}`;
  useDocumentTitle(`${title} · ${program} · billsync`);
  return (
    <Stack gap="md" mb="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Stack gap={2}>
          <Text size="sm" fw={600} c="indigo.7">
            {program}
          </Text>
          <Title order={1} fz="h2">
            {title}
          </Title>
          {description && <Text c="dimmed">{description}</Text>}
        </Stack>
        {actions && <Group gap="sm">{actions}</Group>}
      </Group>
      <Tabs
        value={tab}
        onChange={(value) => value && value !== tab && navigate(programPath(target, value as ProgramTab))}
        activateTabWithKeyboard={false}
      >
        <Tabs.List aria-label={`${program} pages`}>
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
    </Stack>
  );
}
