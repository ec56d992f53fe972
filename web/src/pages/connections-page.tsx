import { SimpleGrid, Stack, Title } from '@mantine/core';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { PageLoader } from '../components/page-loader';
import { AutotaskCard } from '../features/connections/autotask-card';
import { useConnections } from '../features/connections/connection-queries';
import { ConnectWiseCard } from '../features/connections/connectwise-card';
import { Pax8Card } from '../features/connections/pax8-card';
import { SourceCard } from '../features/connections/source-card';

export function ConnectionsPage() {
  const connections = useConnections();
  const byKind = (kind: string) => connections.data?.find((c) => c.kind === kind);
  return (
    <>
      <PageHeader
        title="Connections"
        description="Where billsync reads Microsoft CSP billing from, and the PSA it writes to."
      />
      {connections.isPending && <PageLoader label="Loading the connections" />}
      {connections.isError && (
        <ErrorAlert
          error={connections.error}
          title="Could not load the connections"
          onRetry={() => connections.refetch()}
        />
      )}
      {connections.data && (
        <Stack gap="xl">
          <section aria-labelledby="connections-targets">
            <Title order={2} fz="h4" mb="sm" id="connections-targets">
              PSA (target)
            </Title>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              <AutotaskCard connection={byKind('autotask')} />
              <ConnectWiseCard connection={byKind('connectwise')} />
            </SimpleGrid>
          </section>
          <section aria-labelledby="connections-sources">
            <Title order={2} fz="h4" mb="sm" id="connections-sources">
              Source
            </Title>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              <SourceCard connection={byKind('partner-center')} />
              <Pax8Card connection={byKind('pax8')} />
            </SimpleGrid>
          </section>
        </Stack>
      )}
    </>
  );
}
