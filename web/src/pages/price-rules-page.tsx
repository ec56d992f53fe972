import { Alert, Button, Card, Group, Stack, Title } from '@mantine/core';
import { IconInfoCircle, IconPlus, IconReceipt } from '@tabler/icons-react';
import { useState } from 'react';
import type { PriceRule } from '../api/types';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { PageLoader } from '../components/page-loader';
import { useCan } from '../features/auth/use-can';
import { AddRulePanel } from '../features/pricing/add-rule-panel';
import { PricePreview } from '../features/pricing/price-preview';
import { usePriceRules } from '../features/pricing/price-rule-queries';
import { PriceRulesTable } from '../features/pricing/price-rules-table';
import { RemoveRuleModal } from '../features/pricing/remove-rule-modal';
import type { CustomerChoice } from '../features/pricing/rule-form';

/**
 * Price rules (issue 16): how billsync sets the retail price it writes from the price list's cost or list retail.
 * Everyone reads the rules and previews prices; admins add rules (with the money effect before saving) and remove
 * them (after the money effect of removing).
 */
export function PriceRulesPage() {
  const canEdit = useCan('admin');
  const rules = usePriceRules();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<PriceRule | null>(null);
  const [previewCustomer, setPreviewCustomer] = useState<CustomerChoice>(null);
  const [previewSku, setPreviewSku] = useState('');
  const preview = (
    <PricePreview
      customer={previewCustomer}
      onCustomerChange={setPreviewCustomer}
      sku={previewSku}
      onSkuChange={setPreviewSku}
    />
  );
  const items = rules.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Price rules"
        description="The retail price billsync writes for an offer, from the price list’s cost or list retail. The most specific rule wins: a customer’s own rule, then SKU, product, product family, segment, all offers, then the position. Prices change from the start of a contract period, never part-way through."
      />
      <Stack gap="xl">
        {canEdit && adding && <AddRulePanel preview={preview} onClose={() => setAdding(false)} />}
        {!canEdit && (
          <Alert
            color="blue"
            variant="light"
            icon={<IconInfoCircle aria-hidden />}
            title="Rules need the admin role"
          >
            You can see the rules and preview prices; an admin adds and removes rules.
          </Alert>
        )}
        <section aria-labelledby="price-rules-title">
          <Group justify="space-between" mb="sm">
            <Title order={2} fz="h4" id="price-rules-title">
              Rules
            </Title>
            {canEdit && !adding && (
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
                Add rule
              </Button>
            )}
          </Group>
          <Card withBorder radius="md" padding="md">
            {rules.isPending && <PageLoader label="Loading the price rules" />}
            {rules.isError && (
              <ErrorAlert
                error={rules.error}
                title="Could not load the price rules"
                onRetry={() => rules.refetch()}
              />
            )}
            {rules.data && items.length === 0 && (
              <EmptyState icon={<IconReceipt size={22} />} title="No price rules yet">
                Without a rule, the price list’s list retail is the price.
              </EmptyState>
            )}
            {items.length > 0 && (
              <PriceRulesTable rules={items} onRemove={canEdit ? setRemoving : undefined} />
            )}
          </Card>
        </section>
        {!(canEdit && adding) && preview}
      </Stack>
      {removing && <RemoveRuleModal rule={removing} onClose={() => setRemoving(null)} />}
    </>
  );
}
