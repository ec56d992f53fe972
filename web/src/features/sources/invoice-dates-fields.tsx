import { Button, Collapse, Group, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { UploadEntry } from './use-upload-queue';

interface InvoiceDatesFieldsProps {
  entry: UploadEntry;
  onChange: (change: { period?: string; issued?: string }) => void;
  /** For a file already sent: import it again with these dates. */
  onImportAgain?: (() => void) | undefined;
  disabled: boolean;
}

/**
 * The CLI's `--period` and `--issued` for one invoice file, for when the inference from its rows cannot tell:
 * hidden until asked for; empty fields leave the dates to billsync.
 */
export function InvoiceDatesFields({ entry, onChange, onImportAgain, disabled }: InvoiceDatesFieldsProps) {
  const [opened, { toggle }] = useDisclosure(entry.period !== '' || entry.issued !== '');
  const panel = `${entry.id}-dates`;
  return (
    <div>
      <Button
        variant="subtle"
        size="compact-sm"
        onClick={toggle}
        aria-expanded={opened}
        aria-controls={panel}
        aria-label={`Invoice dates of ${entry.file.name}`}
      >
        {opened
          ? 'Hide invoice dates'
          : onImportAgain
            ? 'Import again with other dates'
            : 'Invoice dates (optional)'}
      </Button>
      <Collapse in={opened}>
        <div id={panel}>
          <Text size="xs" c="dimmed" mb={4}>
            For an invoice or Azure usage file whose dates billsync cannot infer; leave empty to infer them.
          </Text>
          <Group gap="sm" align="flex-end">
            <TextInput
              type="month"
              label="Billing period"
              aria-label={`Billing period of ${entry.file.name}`}
              placeholder="YYYY-MM"
              value={entry.period}
              onChange={(e) => onChange({ period: e.currentTarget.value })}
              disabled={disabled}
              w={180}
            />
            <TextInput
              type="date"
              label="Issue date"
              aria-label={`Issue date of ${entry.file.name}`}
              placeholder="YYYY-MM-DD"
              value={entry.issued}
              onChange={(e) => onChange({ issued: e.currentTarget.value })}
              disabled={disabled}
              w={180}
            />
            {onImportAgain && (
              <Button
                variant="default"
                onClick={onImportAgain}
                disabled={disabled}
                aria-label={`Import ${entry.file.name} again`}
              >
                Import again
              </Button>
            )}
          </Group>
        </div>
      </Collapse>
    </div>
  );
}
