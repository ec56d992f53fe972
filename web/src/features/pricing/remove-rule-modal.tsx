import { Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { PriceRule } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatPlainDate } from '../../lib/format';
import { useRemovePriceRule, useRuleEffect } from './price-rule-queries';
import { RuleEffectView } from './rule-effect-view';
import { dayBeforePeriod, periodStart } from './rule-form';

interface RemoveRuleModalProps {
  rule: PriceRule;
  onClose: () => void;
}

/** What removing does to the rule: deleted if it has not started, else ended before the next contract period. */
function outcomeText(rule: PriceRule, period: string): string {
  const next = formatPlainDate(periodStart(period));
  if (rule.validFrom < periodStart(period))
    return `It has priced periods already: it ends on ${formatPlainDate(dayBeforePeriod(period))} and stays listed as the record of the prices it set. From ${next} prices follow the remaining rules.`;
  return `It has not started: it is deleted, and from ${next} prices follow the remaining rules.`;
}

/** "Remove this price rule?": the rule in words, what removing does and its money effect, then Remove rule. */
export function RemoveRuleModal({ rule, onClose }: RemoveRuleModalProps) {
  const effect = useRuleEffect({ remove: rule.id });
  const remove = useRemovePriceRule();
  const doRemove = () =>
    remove.mutate(rule.id, {
      onSuccess: ({ removed, outcome }) => {
        notifications.show(
          outcome === 'ended'
            ? {
                color: 'gray',
                title: 'Price rule ended',
                message: `${removed.description}. It stays listed as the record of the prices it set.`,
              }
            : { color: 'gray', title: 'Price rule removed', message: removed.description },
        );
        onClose();
      },
    });
  return (
    <Modal
      opened
      onClose={onClose}
      title="Remove this price rule?"
      size="lg"
      closeOnClickOutside={!remove.isPending}
    >
      <Stack>
        <Text size="sm" fw={600}>
          {rule.description}
        </Text>
        {effect.isPending && (
          <Group gap="xs" role="status">
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              Working out the money effect…
            </Text>
          </Group>
        )}
        {effect.isError && (
          <ErrorAlert
            error={effect.error}
            title="Could not work out the money effect"
            onRetry={() => effect.refetch()}
          />
        )}
        {effect.data && (
          <>
            <Text size="sm" data-testid="remove-outcome">
              {outcomeText(rule, effect.data.period)}
            </Text>
            <RuleEffectView
              effect={effect.data}
              nothing="No customer’s next bill changes without this rule."
            />
          </>
        )}
        {remove.isError && <ErrorAlert error={remove.error} title="Could not remove the rule" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button color="red" onClick={doRemove} loading={remove.isPending}>
            Remove rule
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
