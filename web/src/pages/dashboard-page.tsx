import { Anchor, Card, List, SimpleGrid, Text, Title } from '@mantine/core';
import { IconPackage, IconUsers } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyState } from '../components/empty-state';
import { PageHeader } from '../components/page-header';

export function DashboardPage() {
  return (
    <>
      <PageHeader title="Dashboard" description="The state of your Microsoft CSP billing sync at a glance." />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dashboard-customers">
          <Title order={2} fz="h4" id="dashboard-customers">
            Customers
          </Title>
          <EmptyState icon={<IconUsers size={22} />} title="No customer sync has run yet">
            Once customers are mapped to PSA contracts, this shows the last successful sync and the counts of
            the latest run.
          </EmptyState>
        </Card>
        <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dashboard-products">
          <Title order={2} fz="h4" id="dashboard-products">
            Products
          </Title>
          <EmptyState icon={<IconPackage size={22} />} title="No product sync has run yet">
            Once a program is configured, this shows the last successful product sync and the counts of the
            latest run.
          </EmptyState>
        </Card>
      </SimpleGrid>
      <Card withBorder radius="md" padding="lg" mt="lg" component="section" aria-labelledby="dashboard-start">
        <Title order={2} fz="h4" id="dashboard-start" mb="sm">
          Getting started
        </Title>
        <List type="ordered" spacing="xs" size="sm">
          <List.Item>Connect the Microsoft CSP source (Partner Center or imported files).</List.Item>
          <List.Item>Connect your PSA: Autotask now, ConnectWise later.</List.Item>
          <List.Item>
            Configure the Microsoft CSP program and map your customers to their contracts.
          </List.Item>
        </List>
        <Text size="sm" mt="md">
          <Anchor component={Link} to="/connections">
            Go to Connections
          </Anchor>
        </Text>
      </Card>
    </>
  );
}
