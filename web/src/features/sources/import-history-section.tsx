import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { EmptyState } from '../../components/empty-state';
import { ErrorAlert } from '../../components/error-alert';
import { PageLoader } from '../../components/page-loader';
import { formatCount } from '../../lib/format';
import { ImportHistoryTable } from './import-history-table';
import { useImportHistory } from './source-queries';

const PAGE = 25;

/** The import history of the Sources page, paged, the latest first. */
export function ImportHistorySection() {
  const [page, setPage] = useState(1);
  const history = useImportHistory({ limit: PAGE, offset: (page - 1) * PAGE });
  const total = history.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <section aria-labelledby="sources-history">
      <Title order={2} fz="h4" mb="sm" id="sources-history">
        Import history
      </Title>
      <Card withBorder radius="md" padding="md">
        <Stack gap="sm">
          {history.isPending && <PageLoader label="Loading the import history" />}
          {history.isError && (
            <ErrorAlert
              error={history.error}
              title="Could not load the import history"
              onRetry={() => history.refetch()}
            />
          )}
          {history.data && history.data.items.length === 0 && (
            <EmptyState icon={<IconHistory size={22} />} title="No file imported yet">
              Every upload, and every import from the command line, is listed here with who, when and what it
              stored.
            </EmptyState>
          )}
          {history.data && history.data.items.length > 0 && (
            <div style={{ opacity: history.isPlaceholderData ? 0.6 : 1 }}>
              <ImportHistoryTable items={history.data.items} />
            </div>
          )}
          {total > PAGE && (
            <Group justify="space-between">
              <Button variant="default" size="xs" disabled={page === 1} onClick={() => setPage(page - 1)}>
                Newer
              </Button>
              <Text size="sm" c="dimmed">
                Page {page} of {pages} ({formatCount(total)} imports)
              </Text>
              <Button variant="default" size="xs" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Older
              </Button>
            </Group>
          )}
        </Stack>
      </Card>
    </section>
  );
}
