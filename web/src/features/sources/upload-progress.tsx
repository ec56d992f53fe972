import { Group, Progress, Text } from '@mantine/core';
import type { UploadEntry } from './use-upload-queue';

/**
 * The progress bar of one file: the share of the file sent, then "importing" (the server reads and stores it;
 * that takes a while for a big file and has no percentage). A screen reader reads its name and its state.
 */
export function UploadProgress({ entry }: { entry: UploadEntry }) {
  const importing = entry.phase === 'importing';
  const total = entry.file.size || 1;
  const percent = importing ? 100 : Math.min(100, Math.round((entry.sent / total) * 100));
  const text = importing ? 'Uploaded; importing' : `${percent}% uploaded`;
  return (
    <div>
      <Progress.Root
        size="lg"
        role="progressbar"
        aria-label={`Upload of ${entry.file.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(importing ? {} : { 'aria-valuenow': percent })}
        aria-valuetext={text}
        aria-busy
      >
        <Progress.Section value={percent} withAria={false} animated={importing} striped={importing} />
      </Progress.Root>
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed" aria-hidden>
          {text}
        </Text>
      </Group>
    </div>
  );
}
