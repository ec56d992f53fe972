import { Alert, Badge, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { formatCount, formatPeriod, formatPlainDate } from '../../lib/format';
import { type FailedFile, FILE_KIND_LABEL, type StoredFile, type UploadedFile } from './source-types';

const counts = (r: { created: number; updated: number; unchanged: number }) =>
  `${formatCount(r.created)} created, ${formatCount(r.updated)} updated, ${formatCount(r.unchanged)} unchanged`;

function Stored({ result }: { result: StoredFile }) {
  const invoice = result.invoice;
  const rowsWord =
    result.kind === 'price_list' ? 'entries' : result.kind === 'recon' ? 'lines' : 'usage rows';
  return (
    <Alert
      color="green"
      variant="light"
      role="group"
      icon={<IconCircleCheck aria-hidden />}
      title={`Imported ${result.file}`}
    >
      <Stack gap={6}>
        <Group gap="xs">
          <Badge variant="light">{FILE_KIND_LABEL[result.kind]}</Badge>
          {invoice?.status === 'replaced' && (
            <Badge color="blue">
              A corrected re-issue: replaced {formatCount(invoice.previousLineCount)} lines
            </Badge>
          )}
          {invoice?.status === 'unchanged' && <Badge color="gray">Already stored as it is</Badge>}
        </Group>
        <Text size="sm">
          {formatCount(result.rows)} {rowsWord}: {counts(result)}.
          {result.skippedRows > 0 &&
            ` ${formatCount(result.skippedRows)} rows skipped (higher quantity bands of tiered offers).`}
        </Text>
        {invoice && (
          <>
            <Text size="sm">
              Invoice {invoice.invoiceId}: billing period {formatPeriod(invoice.billingPeriod)}, issued{' '}
              {formatPlainDate(invoice.issueDate)}
              {invoice.datesFrom === 'inferred' ? ' (inferred)' : ''}. Customers: {counts(invoice.customers)}.
            </Text>
            <List size="sm" spacing={2} aria-label="How the dates were settled">
              {invoice.basis.map((b) => (
                <List.Item key={b}>{b}</List.Item>
              ))}
            </List>
          </>
        )}
        {result.warnings.map((w) => (
          <Group key={w} gap={6} wrap="nowrap" c="orange.8">
            <IconAlertTriangle size={16} aria-hidden />
            <Text size="sm">Warning: {w}</Text>
          </Group>
        ))}
      </Stack>
    </Alert>
  );
}

function Failed({ result }: { result: FailedFile }) {
  const e = result.error;
  const title = `${result.file} was not imported${e.code === 'too_large' ? ': too large' : ''}`;
  return (
    <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle aria-hidden />} title={title}>
      <Stack gap={6}>
        <Text size="sm">{e.message}</Text>
        {e.row !== null && (
          <List size="sm" spacing={2} aria-label="Where the problem is">
            <List.Item>File: {result.file}</List.Item>
            <List.Item>Row: {e.row}</List.Item>
            {e.column !== null && <List.Item>Column: {e.column}</List.Item>}
            {e.value !== null && <List.Item>Value: {e.value === '' ? '(empty)' : e.value}</List.Item>}
            {e.expected !== null && <List.Item>Expected: {e.expected}</List.Item>}
          </List>
        )}
        <Text size="sm" fw={600}>
          Nothing from this file was stored.
        </Text>
      </Stack>
    </Alert>
  );
}

/** The answer for one file: what was stored and how the invoice dates were settled, or what is wrong. */
export function UploadOutcome({ result }: { result: UploadedFile }) {
  return result.outcome === 'stored' ? <Stored result={result} /> : <Failed result={result} />;
}

/** The upload itself failed (network, session, refused): nothing was imported. */
export function UploadRequestError({ title, message }: { title: string; message: string }) {
  return (
    <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle aria-hidden />} title={title}>
      <Text size="sm">{message}</Text>
    </Alert>
  );
}
