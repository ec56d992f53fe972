import { Alert, Stack } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { PageHeader } from '../components/page-header';
import { useCan } from '../features/auth/use-can';
import { ImportHistorySection } from '../features/sources/import-history-section';
import { UploadPanel } from '../features/sources/upload-panel';

/**
 * Sources (issue 13): the Microsoft CSP files come in here, as `billsync import` takes them, and the import
 * history shows every file imported. Operators and admins upload; everyone sees the history.
 */
export function SourcesPage() {
  const canUpload = useCan('operator');
  return (
    <>
      <PageHeader
        title="Sources"
        description="Upload the Microsoft CSP files exported from Partner Center: the price list, the invoice reconciliation and the Azure usage files."
      />
      <Stack gap="xl">
        {canUpload ? (
          <UploadPanel />
        ) : (
          <Alert
            color="blue"
            variant="light"
            icon={<IconInfoCircle aria-hidden />}
            title="Uploads need the operator role"
          >
            You can see the import history; an operator or an admin uploads the files.
          </Alert>
        )}
        <ImportHistorySection />
      </Stack>
    </>
  );
}
