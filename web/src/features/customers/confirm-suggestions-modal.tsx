import { Alert, Button, Checkbox, Group, List, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { SuggestionReviewItem, TargetKind } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { PageLoader } from '../../components/page-loader';
import { plural } from '../../lib/format';
import { TARGET_LABEL } from '../programs/program-paths';
import { RefreshDirectoryButton } from './refresh-directory-button';
import { useConfirmSuggestions, useSuggestionReview } from './suggestion-queries';

interface ConfirmSuggestionsModalProps {
  target: TargetKind;
  onClose: () => void;
}

/**
 * "Confirm all suggested matches" (spec section 5: billsync suggests, the user confirms): the review list of every
 * unmapped customer with a suggested company. Those whose company has exactly one contract that can be mapped are
 * ticked and confirmed together; the others say why not (their contract is chosen in the mapping dialog).
 */
export function ConfirmSuggestionsModal({ target, onClose }: ConfirmSuggestionsModalProps) {
  const review = useSuggestionReview(target, true);
  const confirm = useConfirmSuggestions(target);
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set());
  const [syncOn, setSyncOn] = useState(false);
  const items = review.data?.items ?? [];
  const ready = items.filter((i) => i.contract);
  const others = items.filter((i) => !i.contract);
  const chosen = ready.filter((i) => !unticked.has(i.tenantId)).map((i) => i.tenantId);
  const toggle = (id: string, on: boolean) =>
    setUnticked((prev) => {
      const next = new Set(prev);
      if (on) next.delete(id);
      else next.add(id);
      return next;
    });

  const submit = () =>
    confirm.mutate(
      { tenantIds: chosen, syncOn },
      {
        onSuccess: (result) => {
          notifications.show({
            color: result.confirmed.length > 0 ? 'green' : 'yellow',
            title: `${plural(result.confirmed.length, 'customer')} mapped`,
            message: syncOn
              ? 'Their sync is on: they sync with the next run.'
              : 'Their sync is off: switch it on per customer when ready.',
          });
          if (result.skipped.length === 0) onClose();
        },
      },
    );

  return (
    <Modal opened onClose={onClose} title="Confirm suggested matches" size="xl">
      <Stack>
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Text size="sm" c="dimmed">
            billsync suggests the {TARGET_LABEL[target]} company of each customer below from its name or
            domain. Confirming maps the ticked ones to their company's only contract that can be mapped.
          </Text>
          <RefreshDirectoryButton target={target} />
        </Group>
        {review.isPending && <PageLoader label="Loading the suggestions" />}
        {review.isError && <ErrorAlert error={review.error} title="Could not load the suggestions" />}
        {review.data?.message && <Alert color="gray">{review.data.message}</Alert>}
        {review.data && items.length === 0 && !review.data.message && (
          <Alert color="gray">No unmapped customer has a suggested company.</Alert>
        )}
        {ready.length > 0 && <ReadyTable items={ready} unticked={unticked} onToggle={toggle} />}
        {others.length > 0 && (
          <Stack gap={4} data-testid="suggestions-not-here">
            <Text size="sm" fw={600}>
              Not confirmed here ({others.length}): choose their contract in the mapping dialog
            </Text>
            <List size="sm" spacing={2}>
              {others.map((i) => (
                <List.Item key={i.tenantId}>
                  {i.name}: {i.note}
                </List.Item>
              ))}
            </List>
          </Stack>
        )}
        {confirm.data && confirm.data.skipped.length > 0 && (
          <Alert color="yellow" title="Not mapped" data-testid="suggestions-skipped">
            {confirm.data.skipped.map((s) => (
              <Text size="sm" key={s.tenantId}>
                {s.name}: {s.reason}
              </Text>
            ))}
          </Alert>
        )}
        {confirm.isError && <ErrorAlert error={confirm.error} title="Could not confirm the matches" />}
        {ready.length > 0 && (
          <Checkbox
            label="Switch their sync on"
            description="Off: they are mapped and you switch each one's sync on when ready."
            checked={syncOn}
            onChange={(e) => setSyncOn(e.currentTarget.checked)}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {confirm.data ? 'Close' : 'Cancel'}
          </Button>
          <Button onClick={submit} disabled={chosen.length === 0} loading={confirm.isPending}>
            {`Confirm ${plural(chosen.length, 'match', 'matches')}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

interface ReadyTableProps {
  items: readonly SuggestionReviewItem[];
  unticked: ReadonlySet<string>;
  onToggle: (tenantId: string, on: boolean) => void;
}

function ReadyTable({ items, unticked, onToggle }: ReadyTableProps) {
  return (
    <Table.ScrollContainer minWidth={640} mah={420}>
      <Table verticalSpacing={6} data-testid="suggestions-ready">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40} />
            <Table.Th>Customer</Table.Th>
            <Table.Th>Suggested company</Table.Th>
            <Table.Th>Contract</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr key={i.tenantId} data-testid="suggestion-row">
              <Table.Td>
                <Checkbox
                  checked={!unticked.has(i.tenantId)}
                  onChange={(e) => onToggle(i.tenantId, e.currentTarget.checked)}
                  aria-label={`Confirm ${i.suggestion.companyName} for ${i.name}`}
                />
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {i.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {i.domain || 'No domain'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{i.suggestion.companyName}</Text>
                <Text size="xs" c="dimmed">
                  {i.suggestion.reason}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{i.contract?.name}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
