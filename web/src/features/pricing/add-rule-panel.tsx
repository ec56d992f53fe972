import {
  Button,
  Card,
  Grid,
  Group,
  Loader,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import type { RuleEffectRequest } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatPlainDate } from '../../lib/format';
import { CustomerChoiceSelect } from './customer-choice-select';
import { useAddPriceRule, useRuleEffect } from './price-rule-queries';
import { RuleEffectView } from './rule-effect-view';
import {
  BASES,
  EMPTY_RULE,
  formProblems,
  METHODS,
  OFFERS_KINDS,
  type OffersKind,
  ROUNDINGS,
  type RuleFormValues,
  ruleInputOf,
  SEGMENTS,
  type Segment,
} from './rule-form';
import { SkuPicker } from './sku-picker';

interface AddRulePanelProps {
  /** The price preview, shown beside the form. */
  preview: ReactNode;
  onClose: () => void;
}

/**
 * Add rule (admins): the form, and beside it the price preview (saved rules) and the money effect of the rule in
 * the form on the next contract period, asked as it is typed. Save stores the rule and says the server's warnings.
 */
export function AddRulePanel({ preview, onClose }: AddRulePanelProps) {
  const add = useAddPriceRule();
  const form = useForm<RuleFormValues>({
    initialValues: EMPTY_RULE,
    validate: formProblems,
    // A refusal answers the rule as it was sent: once the rule changes, it no longer applies.
    onValuesChange: () => add.reset(),
  });
  const v = form.values;
  const ready = Object.keys(formProblems(v)).length === 0;
  // Debounced as text: the same rule is the same question (and an object would never settle).
  const [asked] = useDebouncedValue(ready ? JSON.stringify({ add: ruleInputOf(v) }) : '', 400);
  const effect = useRuleEffect(asked ? (JSON.parse(asked) as RuleEffectRequest) : null, true);
  const method = METHODS.find((m) => m.value === v.method)!;
  const nextPeriod = effect.data ? formatPlainDate(`${effect.data.period}-01`) : '';

  const save = form.onSubmit((values) =>
    add.mutate(ruleInputOf(values), {
      onSuccess: ({ rule, warnings }) => {
        notifications.show({ color: 'green', title: 'Price rule added', message: rule.description });
        if (warnings.length > 0)
          notifications.show({
            color: 'yellow',
            title: 'Added with a warning',
            message: warnings.join(' '),
            autoClose: false,
          });
        onClose();
      },
    }),
  );

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="add-rule-title">
      <Title order={2} fz="h4" id="add-rule-title" mb="sm">
        Add rule
      </Title>
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <form onSubmit={save} noValidate aria-label="New price rule">
            <fieldset disabled={add.isPending} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
              <Stack gap="sm">
                <CustomerChoiceSelect
                  label="Customer"
                  description="A customer’s own rule wins over a rule for every customer."
                  value={v.customer}
                  onChange={(c) => form.setFieldValue('customer', c)}
                />
                <Group grow align="flex-start">
                  <Select
                    label="Offers"
                    data={OFFERS_KINDS}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    {...form.getInputProps('offersKind')}
                    onChange={(kind) => kind && form.setFieldValue('offersKind', kind as OffersKind)}
                  />
                  <OffersField form={form} />
                </Group>
                <Group grow align="flex-start">
                  <Select
                    label="Basis"
                    description={v.method === 'fixed' ? 'A fixed price needs none' : undefined}
                    data={BASES}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    {...form.getInputProps('basis')}
                  />
                  <Select
                    label="Method"
                    data={METHODS.map(({ value, label }) => ({ value, label }))}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    {...form.getInputProps('method')}
                  />
                </Group>
                <Group grow align="flex-start">
                  <TextInput
                    label={method.valueLabel}
                    description={method.hint}
                    placeholder={v.method === 'fixed' ? '19.99' : '15'}
                    inputMode="decimal"
                    autoComplete="off"
                    required
                    {...form.getInputProps('value')}
                  />
                  <Select
                    label="Rounding"
                    data={ROUNDINGS}
                    allowDeselect={false}
                    comboboxProps={{ withinPortal: true }}
                    {...form.getInputProps('rounding')}
                  />
                </Group>
                <Group grow align="flex-start">
                  <TextInput
                    label="Valid from"
                    description={`YYYY-MM-DD. Empty: the first day of next month${nextPeriod ? ` (${nextPeriod})` : ''}, when the next contract period starts.`}
                    placeholder="YYYY-MM-DD"
                    autoComplete="off"
                    maxLength={10}
                    {...form.getInputProps('validFrom')}
                  />
                  <TextInput
                    label="Valid to"
                    description="YYYY-MM-DD, the last day. Empty: no end."
                    placeholder="YYYY-MM-DD"
                    autoComplete="off"
                    maxLength={10}
                    {...form.getInputProps('validTo')}
                  />
                </Group>
                <Group grow align="flex-start">
                  <NumberInput
                    label="Position"
                    description="Between equally specific rules, the lower position wins."
                    min={0}
                    max={10_000}
                    allowDecimal={false}
                    allowNegative={false}
                    {...form.getInputProps('position')}
                    onChange={(n) => form.setFieldValue('position', typeof n === 'number' ? n : 0)}
                  />
                  <TextInput
                    label="Note"
                    description="Why the rule exists, for the next person."
                    maxLength={200}
                    {...form.getInputProps('note')}
                  />
                </Group>
                {add.isError && <ErrorAlert error={add.error} title="Could not add the rule" />}
                <Group justify="flex-end">
                  <Button variant="default" onClick={onClose}>
                    Cancel
                  </Button>
                  <Button type="submit" loading={add.isPending}>
                    Save rule
                  </Button>
                </Group>
              </Stack>
            </fieldset>
          </form>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            {preview}
            <Card
              withBorder
              radius="md"
              padding="md"
              component="section"
              aria-labelledby="money-effect-title"
            >
              <Stack gap="xs">
                <Group justify="space-between">
                  <Title order={3} fz="h5" id="money-effect-title">
                    Money effect
                  </Title>
                  {effect.isFetching && <Loader size="xs" aria-label="Updating the money effect" />}
                </Group>
                {!ready && (
                  <Text size="sm" c="dimmed">
                    Enter the rule’s value to see how the next bills change.
                  </Text>
                )}
                {ready && effect.isError && <ErrorAlert error={effect.error} title="Check the rule" />}
                {ready && effect.data && !effect.isError && (
                  <div style={{ opacity: effect.isPlaceholderData ? 0.6 : 1 }}>
                    <RuleEffectView
                      effect={effect.data}
                      nothing="No customer’s next bill changes with this rule."
                    />
                  </div>
                )}
              </Stack>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </Card>
  );
}

/** The input that goes with the chosen offers scope. */
function OffersField({ form }: { form: ReturnType<typeof useForm<RuleFormValues>> }) {
  switch (form.values.offersKind) {
    case 'all':
      return <div />;
    case 'segment':
      return (
        <Select
          label="Segment"
          data={SEGMENTS}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          {...form.getInputProps('segment')}
          onChange={(s) => s && form.setFieldValue('segment', s as Segment)}
        />
      );
    case 'family':
      return (
        <TextInput
          label="Product title starts with"
          placeholder="Microsoft 365"
          autoComplete="off"
          {...form.getInputProps('family')}
        />
      );
    case 'product':
      return (
        <TextInput
          label="Product id"
          placeholder="CFQ7TTC0LCHC"
          autoComplete="off"
          {...form.getInputProps('productId')}
        />
      );
    case 'sku':
      return (
        <SkuPicker
          label="SKU code"
          value={form.values.sku}
          onChange={(sku) => form.setFieldValue('sku', sku)}
          error={form.errors.sku}
        />
      );
  }
}
