import { Button, Card, CloseButton, Group, Stack, Text } from '@mantine/core';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { StatusChip } from '../../components/status-chip';
import { formatFileSize } from './file-size';
import { InvoiceDatesFields } from './invoice-dates-fields';
import { UploadOutcome, UploadRequestError } from './upload-outcome';
import { UploadProgress } from './upload-progress';
import type { UploadEntry, UploadPhase } from './use-upload-queue';

const PHASE: Record<UploadPhase, { label: string; color: string }> = {
  ready: { label: 'Ready', color: 'gray' },
  uploading: { label: 'Uploading', color: 'blue' },
  importing: { label: 'Importing', color: 'blue' },
  done: { label: 'Done', color: 'green' },
  error: { label: 'Failed', color: 'red' },
};

interface UploadItemProps {
  entry: UploadEntry;
  /** An upload is under way (this file's or another's). */
  running: boolean;
  onRemove: () => void;
  onDates: (change: { period?: string; issued?: string }) => void;
  onImportAgain: () => void;
  /** Import the file again as a corrected invoice that replaces the stored one. */
  onReplace: () => void;
}

/** One file of the Sources page: its name and size, its progress bar, its optional dates and its answer. */
export function UploadItem({ entry, running, onRemove, onDates, onImportAgain, onReplace }: UploadItemProps) {
  const name = entry.file.name;
  const titleId = `${entry.id}-name`;
  const phase = entry.result?.outcome === 'failed' ? PHASE.error : PHASE[entry.phase];
  const sending = entry.phase === 'uploading' || entry.phase === 'importing';
  const sent = entry.phase === 'done' || entry.phase === 'error';
  // Dates help an invoice file before it is sent, or after: not a price list, nor a file to fix first.
  const r = entry.result;
  const datesHelp =
    !sending &&
    r?.kind !== 'price_list' &&
    !(r?.outcome === 'failed' && (r.error.code === 'bad_file' || r.error.code === 'too_large'));
  return (
    <Card withBorder radius="md" padding="md" component="li" aria-labelledby={titleId}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" miw={0}>
            <IconFileSpreadsheet size={20} aria-hidden />
            <Text fw={600} id={titleId} truncate>
              {name}
            </Text>
            <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {formatFileSize(entry.file.size)}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <StatusChip color={phase.color}>{phase.label}</StatusChip>
            {!sending && <CloseButton aria-label={`Remove ${name} from the list`} onClick={onRemove} />}
          </Group>
        </Group>
        {sending && <UploadProgress entry={entry} />}
        {datesHelp && (
          <InvoiceDatesFields
            entry={entry}
            onChange={onDates}
            onImportAgain={sent ? onImportAgain : undefined}
            disabled={running}
          />
        )}
        <div aria-live="polite">
          {(entry.result || entry.error) && (
            <section aria-label={`Result of ${name}`}>
              {entry.result && <UploadOutcome result={entry.result} />}
              {r?.outcome === 'failed' && r.error.code === 'drops_customers' && (
                <Button
                  mt="xs"
                  variant="default"
                  color="red"
                  onClick={onReplace}
                  disabled={running}
                  aria-label={`Replace the stored invoice with ${name}`}
                >
                  Replace the stored invoice
                </Button>
              )}
              {entry.error && <UploadRequestError title={`${name} was not uploaded`} message={entry.error} />}
            </section>
          )}
        </div>
      </Stack>
    </Card>
  );
}
