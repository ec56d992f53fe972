import { Card, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface ConnectionCardProps {
  testId: string;
  name: string;
  icon: ReactNode;
  status: ReactNode;
  /** What the state means and what to do, in words. */
  children: ReactNode;
  actions?: ReactNode;
}

/** One card of the Connections page: name, state badge, explanation, actions. */
export function ConnectionCard({ testId, name, icon, status, children, actions }: ConnectionCardProps) {
  const titleId = `${testId}-title`;
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="article"
      aria-labelledby={titleId}
      data-testid={testId}
    >
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Group gap="xs" wrap="nowrap">
          <Text c="dimmed" component="span" aria-hidden display="flex">
            {icon}
          </Text>
          <Title order={3} fz="h5" id={titleId}>
            {name}
          </Title>
        </Group>
        {status}
      </Group>
      <Stack gap={6} id={`${testId}-note`}>
        {children}
      </Stack>
      {actions && (
        <Group mt="md" gap="sm">
          {actions}
        </Group>
      )}
    </Card>
  );
}
