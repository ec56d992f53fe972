import { Button, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { type DragEvent, useRef, useState } from 'react';
import { formatFileSize } from './file-size';

interface UploadDropZoneProps {
  onFiles: (files: File[]) => void;
  maxFileBytes: number | undefined;
}

/**
 * Where files come in: dropped on the zone, or picked with "Choose files" (several at once). The file input
 * itself is hidden; the button is the control a keyboard or screen reader user reaches.
 */
export function UploadDropZone({ onFiles, maxFileBytes }: UploadDropZoneProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const take = (list: FileList | null) => {
    if (list && list.length > 0) onFiles([...list]);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files);
  };
  return (
    <Paper
      withBorder
      radius="md"
      p="xl"
      role="group"
      aria-labelledby="upload-zone-title"
      aria-describedby="upload-zone-help"
      data-testid="upload-drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      style={{
        borderStyle: 'dashed',
        borderWidth: 2,
        borderColor: over ? 'var(--mantine-color-blue-6)' : undefined,
        background: over ? 'var(--mantine-color-blue-0)' : undefined,
      }}
    >
      <Stack align="center" gap="xs" ta="center">
        <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
          <IconUpload size={26} />
        </ThemeIcon>
        <Text fw={600} id="upload-zone-title">
          Drop Microsoft CSP files here
        </Text>
        <Text size="sm" c="dimmed" maw={560} id="upload-zone-help">
          The price list, invoice reconciliation and Azure usage CSV files exported from Partner Center,
          several at once: billsync tells them apart by their header.
          {maxFileBytes !== undefined && ` Up to ${formatFileSize(maxFileBytes)} per file.`}
        </Text>
        <Button variant="light" onClick={() => input.current?.click()}>
          Choose files
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          accept=".csv,text/csv"
          hidden
          aria-label="Microsoft CSP files"
          data-testid="source-file-input"
          onChange={(e) => {
            take(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </Stack>
    </Paper>
  );
}
