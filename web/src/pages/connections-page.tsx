import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconBuildingStore, IconCloudDownload, IconPlugConnected } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { PageHeader } from '../components/page-header';

export function ConnectionsPage() {
  return (
    <>
      <PageHeader
        title="Connections"
        description="Where billsync reads Microsoft CSP billing from, and the PSA it writes to."
      />
      <Stack gap="xl">
        <section aria-labelledby="connections-targets">
          <Title order={2} fz="h4" mb="sm" id="connections-targets">
            PSA (target)
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <ConnectionCard
              testId="connection-autotask"
              name="Autotask"
              icon={<IconPlugConnected size={20} />}
              status={<Badge color="gray">Not connected</Badge>}
              note="Connecting arrives with the Autotask integration."
              action={
                <Button disabled aria-describedby="connection-autotask-note">
                  CONNECT NOW
                </Button>
              }
            />
            <ConnectionCard
              testId="connection-connectwise"
              name="ConnectWise"
              icon={<IconBuildingStore size={20} />}
              status={
                <Badge color="gray" variant="outline">
                  Not yet available
                </Badge>
              }
              note="ConnectWise support comes after the Autotask integration."
            />
          </SimpleGrid>
        </section>
        <section aria-labelledby="connections-sources">
          <Title order={2} fz="h4" mb="sm" id="connections-sources">
            Source
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <ConnectionCard
              testId="connection-microsoft-csp"
              name="Microsoft CSP (source)"
              icon={<IconCloudDownload size={20} />}
              status={<Badge color="gray">Not connected</Badge>}
              note="Partner Center credentials, or importing the price list and invoice files, arrive with the Microsoft CSP source integration."
            />
          </SimpleGrid>
        </section>
      </Stack>
    </>
  );
}

interface ConnectionCardProps {
  testId: string;
  name: string;
  icon: ReactNode;
  status: ReactNode;
  note: string;
  action?: ReactNode;
}

function ConnectionCard({ testId, name, icon, status, note, action }: ConnectionCardProps) {
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
      <Text size="sm" c="dimmed" id={`${testId}-note`}>
        {note}
      </Text>
      {action && <Group mt="md">{action}</Group>}
    </Card>
  );
}
