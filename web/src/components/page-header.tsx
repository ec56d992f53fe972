import { Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

interface PageHeaderProps {
  title: string;
  description?: ReactNode;
}

/** The page's h1 (also the browser tab title) and a line saying what the page is for. */
export function PageHeader({ title, description }: PageHeaderProps) {
  useDocumentTitle(`${title} · billsync`);
  return (
    <Stack gap={4} mb="lg">
      <Title order={1} fz="h2">
        {title}
      </Title>
      {description && <Text c="dimmed">{description}</Text>}
    </Stack>
  );
}
