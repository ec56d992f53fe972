import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface CenteredCardProps {
  title: string;
  subtitle?: string;
  children: ReactNode;
}

/** The frame of the pages shown before sign-in (login, setup). */
export function CenteredCard({ title, subtitle, children }: CenteredCardProps) {
  return (
    <Center component="main" mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Stack w="100%" maw={440} gap="lg">
        <Text ta="center" fw={800} fz={28} c="indigo.7" aria-hidden>
          billsync
        </Text>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <Stack gap="xs" mb="lg">
            <Title order={1} fz="h2">
              {title}
            </Title>
            {subtitle && (
              <Text size="sm" c="dimmed">
                {subtitle}
              </Text>
            )}
          </Stack>
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}
