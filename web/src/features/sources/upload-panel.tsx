import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { plural } from '../../lib/format';
import { useUploadLimits } from './source-queries';
import { UploadDropZone } from './upload-drop-zone';
import { UploadItem } from './upload-item';
import { useUploadQueue } from './use-upload-queue';

/**
 * Upload on the Sources page: drop or choose files, optionally state an invoice's dates, then upload and
 * import them, one after the other, each with its progress bar and its answer.
 */
export function UploadPanel() {
  const limits = useUploadLimits();
  const maxFileBytes = limits.data?.maxFileBytes;
  const queue = useUploadQueue(maxFileBytes);
  const ready = queue.entries.filter((e) => e.phase === 'ready');
  const finished = queue.entries.filter((e) => e.phase === 'done' || e.phase === 'error');
  return (
    <section aria-labelledby="sources-upload">
      <Title order={2} fz="h4" mb="sm" id="sources-upload">
        Upload files
      </Title>
      <Stack gap="md">
        <UploadDropZone onFiles={queue.add} maxFileBytes={maxFileBytes} />
        {queue.entries.length > 0 && (
          <Stack
            gap="sm"
            component="ul"
            aria-label="Files to import"
            p={0}
            m={0}
            style={{ listStyle: 'none' }}
          >
            {queue.entries.map((entry) => (
              <UploadItem
                key={entry.id}
                entry={entry}
                running={queue.running}
                onRemove={() => queue.remove(entry.id)}
                onDates={(change) => queue.patch(entry.id, change)}
                onImportAgain={() => void queue.upload([entry.id])}
                onReplace={() => void queue.upload([entry.id], { replace: true })}
              />
            ))}
          </Stack>
        )}
        {queue.entries.length > 0 && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed" aria-live="polite">
              {queue.running
                ? 'Uploading and importing: keep this page open.'
                : ready.length > 0
                  ? `${plural(ready.length, 'file')} ready to import.`
                  : 'Every file has been sent.'}
            </Text>
            <Group gap="sm">
              {finished.length > 0 && !queue.running && (
                <Button
                  variant="subtle"
                  onClick={() => {
                    for (const e of finished) queue.remove(e.id);
                  }}
                >
                  Clear finished
                </Button>
              )}
              <Button
                leftSection={<IconUpload size={16} aria-hidden />}
                onClick={() => void queue.upload()}
                loading={queue.running}
                disabled={ready.length === 0}
              >
                {ready.length > 1 ? `Upload and import ${ready.length} files` : 'Upload and import'}
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
    </section>
  );
}
