import { Card, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { PricePreview as Preview } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatMoney, formatPlainDate } from '../../lib/format';
import { describeOffer } from '../products/product-actions';
import { CustomerChoiceSelect } from './customer-choice-select';
import { usePricePreview } from './price-rule-queries';
import type { CustomerChoice } from './rule-form';
import { SkuPicker } from './sku-picker';

/** Amounts stay on one line: `USD 1,234.50`. */
const NOWRAP = { whiteSpace: 'nowrap' } as const;

interface PricePreviewProps {
  customer: CustomerChoice;
  onCustomerChange: (customer: CustomerChoice) => void;
  sku: string;
  onSkuChange: (sku: string) => void;
}

/**
 * The live price preview: for a customer (or every customer) and a SKU code, per offer of the SKU the cost, the
 * list retail, the rule that applies and the resulting price, under the saved rules, on the first day of the next
 * contract period.
 */
export function PricePreview({ customer, onCustomerChange, sku, onSkuChange }: PricePreviewProps) {
  const [debounced] = useDebouncedValue(sku, 300);
  const preview = usePricePreview(customer?.tenantId ?? null, debounced);
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="price-preview-title">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="h4" id="price-preview-title">
            Price preview
          </Title>
          <Text size="sm" c="dimmed">
            The price of a SKU under the saved rules, from the first day of the next contract period.
          </Text>
        </div>
        <Group grow align="flex-start" wrap="wrap">
          <CustomerChoiceSelect label="Customer" value={customer} onChange={onCustomerChange} />
          <SkuPicker label="SKU code" value={sku} onChange={onSkuChange} />
        </Group>
        {preview.isFetching && !preview.data && (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              Pricing…
            </Text>
          </Group>
        )}
        {preview.isError && <ErrorAlert error={preview.error} title="No price" />}
        {preview.data && !preview.isError && <PreviewTable preview={preview.data} />}
      </Stack>
    </Card>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <Stack gap={4} data-testid="price-preview">
      <Text size="sm">
        On {formatPlainDate(preview.date)}, for {preview.customer?.name ?? 'every customer'}:
      </Text>
      <Table.ScrollContainer minWidth={480}>
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Offer</Table.Th>
              <Table.Th ta="right" style={NOWRAP}>
                Cost
              </Table.Th>
              <Table.Th ta="right" style={NOWRAP}>
                List retail
              </Table.Th>
              <Table.Th>Rule</Table.Th>
              <Table.Th ta="right" style={NOWRAP}>
                Price
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.offers.map((o) => (
              <Table.Tr key={o.offerKey} data-testid="preview-offer">
                <Table.Td>
                  <Text size="sm">{o.title}</Text>
                  <Text size="xs" c="dimmed">
                    {describeOffer(o.offerKey).terms}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" style={NOWRAP} data-testid="preview-cost">
                  {formatMoney(o.cost, o.currency)}
                </Table.Td>
                <Table.Td ta="right" style={NOWRAP} data-testid="preview-list-retail">
                  {formatMoney(o.listRetail, o.currency)}
                </Table.Td>
                <Table.Td data-testid="preview-rule">
                  {o.rule ? (
                    o.rule.description
                  ) : (
                    <Text span size="sm" c="dimmed">
                      None: the list retail stands
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right" style={NOWRAP} fw={700} data-testid="preview-price">
                  {formatMoney(o.price, o.currency)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
