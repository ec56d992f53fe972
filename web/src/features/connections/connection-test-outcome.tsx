import { Alert } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import type { ConnectionCheck } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';

/** What a test said: in the dialog only (Test saves nothing; a failed Save keeps the credentials, said so). */
export function TestOutcome({ result, saved }: { result: ConnectionCheck; saved: boolean }) {
  if (result.ok) {
    return (
      <Alert
        color={result.status === 'connected' ? 'green' : 'yellow'}
        icon={<IconCircleCheck aria-hidden />}
        title={result.status === 'connected' ? 'The credentials work' : 'The credentials work: setup needed'}
        data-testid="connection-test-result"
      >
        {result.message}
      </Alert>
    );
  }
  return (
    <ErrorAlert
      error={
        new Error(
          saved
            ? `${result.message}. The credentials are saved; fix them and test again.`
            : `${result.message}. Nothing was saved: fix the credentials and test again.`,
        )
      }
      title="The test failed"
    />
  );
}
