import { Alert, Button, Group } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { errorMessage } from '../api/api-error';

interface ErrorAlertProps {
  error: unknown;
  title?: string;
  /** Shows a "Try again" button. */
  onRetry?: () => void;
}

/** An API or network error in words (never raw JSON), announced to screen readers. */
export function ErrorAlert({ error, title = 'Something went wrong', onRetry }: ErrorAlertProps) {
  return (
    <Alert
      color="red"
      variant="light"
      title={title}
      icon={<IconAlertCircle aria-hidden />}
      data-testid="error-alert"
    >
      {errorMessage(error)}
      {onRetry && (
        <Group mt="sm">
          <Button size="xs" variant="default" onClick={onRetry}>
            Try again
          </Button>
        </Group>
      )}
    </Alert>
  );
}
