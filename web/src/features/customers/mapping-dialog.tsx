import { Alert, Button, Group, Modal, Select, Stack, Switch, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconBulb } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Customer, MappingInput, Option, PricingStrategy, TargetKind } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { firstOfMonthUtc, isPlainDate } from '../../lib/format';
import { CONTRACT_WORD, TARGET_LABEL } from '../programs/program-paths';
import { useProgram } from '../programs/program-queries';
import { useSyncNow } from '../sync/use-sync-now';
import { ClearMappingConfirm } from './clear-mapping-confirm';
import { CompanySelect } from './company-select';
import { ContractSelect } from './contract-select';
import { useClearMapping, useSaveMapping } from './customer-queries';
import { PRICING_STRATEGIES, strategyOf } from './pricing-strategies';
import { ShadowField } from './shadow-field';
import { SyncStartField } from './sync-start-field';

interface MappingDialogProps {
  target: TargetKind;
  customer: Customer;
  onClose: () => void;
  readOnly: boolean;
}

interface Values {
  company: Option | null;
  contractId: string | null;
  strategy: PricingStrategy;
  syncStart: string;
  syncOn: boolean;
  /** Shadow first sync: off unless chosen (pre-selected when the chosen contract already bills an offer). */
  shadow: boolean;
  /** Bill the seats in arrears (after the invoice) or the coming month in advance (issue 16). */
  billing: 'arrears' | 'advance';
  /** Where annual-billed subscriptions are booked as one-time charges (decision 0015); null: none. */
  annualContractId: string | null;
}

/**
 * The customer's annual contract. The customer rows carry it once the API's customer schema does (CustomerOut);
 * until then it reads as none.
 */
function initialValues(c: Customer): Values {
  return {
    company: c.companyId
      ? { id: c.companyId, name: c.companyName ?? `#${c.companyId}` }
      : suggestedCompany(c),
    contractId: c.contractId,
    strategy: c.strategy ?? 'cost-and-retail',
    syncStart: c.syncStart ?? firstOfMonthUtc(),
    syncOn: c.mapped ? c.syncOn : true,
    shadow: c.mapped ? c.shadow : false,
    billing: c.mapped ? c.billing : 'arrears',
    annualContractId: c.mapped ? c.annualContractId : null,
  };
}

/** The company billsync suggests for an unmapped customer, as the company field holds it. */
function suggestedCompany(c: Customer): Option | null {
  return !c.mapped && c.suggestion ? { id: c.suggestion.companyId, name: c.suggestion.companyName } : null;
}

/**
 * The pencil's dialog (spec section 5): PSA company (searched), contract (ended ones hidden, and said so), the
 * annual contract (when the program bills the annual motion, or the customer has one: decision 0015), shadow
 * first sync, pricing strategy, sync start date (UTC), Sync switch; SAVE, SAVE AND SYNC NOW, Clear mapping.
 */
export function MappingDialog({ target, customer, onClose, readOnly }: MappingDialogProps) {
  const label = TARGET_LABEL[target];
  const save = useSaveMapping(target);
  const clear = useClearMapping(target);
  const syncNow = useSyncNow();
  const [confirmClear, setConfirmClear] = useState(false);
  const program = useProgram(target);
  const annualShown = !!program.data?.settings.motions.annual || customer.annualContractId !== null;
  const form = useForm<Values>({
    initialValues: initialValues(customer),
    validate: {
      company: (v) => (v ? null : `Choose the ${label} company`),
      contractId: (v) => (v ? null : `Choose the ${CONTRACT_WORD[target].one}`),
      syncStart: (v) => (isPlainDate(v.trim()) ? null : 'Enter the date as YYYY-MM-DD, e.g. 2025-10-01'),
    },
  });
  const busy = save.isPending || clear.isPending || syncNow.isPending;

  // The suggested company comes in a second request (it needs the PSA's company list): when it answers after the
  // dialog opened, it fills the company the user has not chosen yet.
  const chosen = useRef(false);
  const noCompany = form.values.company === null;
  const { setFieldValue } = form;
  useEffect(() => {
    const suggested = suggestedCompany(customer);
    if (suggested && noCompany && !chosen.current) setFieldValue('company', suggested);
  }, [customer, noCompany, setFieldValue]);

  const setCompany = (company: Option | null) => {
    chosen.current = true;
    if (company?.id !== form.values.company?.id) {
      form.setFieldValue('contractId', null);
      form.setFieldValue('annualContractId', null);
    }
    form.setFieldValue('company', company);
  };
  const setContract = useCallback(
    (id: string | null) => form.setFieldValue('contractId', id),
    [form.setFieldValue],
  );
  const setAnnualContract = useCallback(
    (id: string | null) => form.setFieldValue('annualContractId', id),
    [form.setFieldValue],
  );
  const setShadow = useCallback((on: boolean) => form.setFieldValue('shadow', on), [form.setFieldValue]);

  const submit = (andSync: boolean) =>
    form.onSubmit((values) => {
      const mapping: MappingInput = {
        companyId: values.company!.id,
        contractId: values.contractId!,
        strategy: values.strategy,
        syncStart: values.syncStart.trim(),
        syncOn: values.syncOn,
        shadow: values.shadow,
        billing: values.billing,
        // Not shown: left out, so the saved one (none) stays.
        ...(annualShown ? { annualContractId: values.annualContractId } : {}),
      };
      save.mutate(
        { tenantId: customer.tenantId, mapping },
        {
          onSuccess: (result) => {
            if (result.warnings.length) {
              notifications.show({
                color: 'yellow',
                title: 'Mapping saved with a warning',
                message: result.warnings.join(' '),
              });
            }
            if (!andSync) {
              notifications.show({
                color: 'green',
                title: 'Mapping saved',
                message: `${customer.name} → ${values.company!.name}`,
              });
              onClose();
              return;
            }
            syncNow.mutate(
              { kind: 'customer', target, tenantId: customer.tenantId, label: customer.name },
              {
                onSuccess: onClose,
                onError: (error) => form.setErrors({ syncOn: String((error as Error).message) }),
              },
            );
          },
        },
      );
    });

  const strategy = strategyOf(form.values.strategy);
  const suggestion = !customer.mapped ? customer.suggestion : null;

  return (
    <Modal opened onClose={onClose} title={`Map ${customer.name}`} size="lg" closeOnClickOutside={!busy}>
      <form onSubmit={submit(false)} noValidate aria-label={`Mapping of ${customer.name}`}>
        <fieldset disabled={readOnly || busy} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <Stack>
            <Text size="sm" c="dimmed">
              {customer.domain || 'No domain'} · tenant {customer.tenantId}
            </Text>
            {suggestion && form.values.company?.id === suggestion.companyId && (
              <Alert variant="light" color="indigo" icon={<IconBulb aria-hidden />} p="xs">
                Suggested: {suggestion.companyName} ({suggestion.reason}). Check it and choose the{' '}
                {CONTRACT_WORD[target].one}.
              </Alert>
            )}
            {customer.pausedReason && (
              <Alert variant="light" color="red" p="xs" title="Sync paused" data-testid="mapping-paused">
                {customer.pausedReason}. Check the {CONTRACT_WORD[target].one} in {label}, then switch Sync on
                to resume.
              </Alert>
            )}
            <CompanySelect
              target={target}
              value={form.values.company}
              onChange={setCompany}
              error={form.errors.company as string | undefined}
            />
            <ContractSelect
              target={target}
              companyId={form.values.company?.id ?? null}
              value={form.values.contractId}
              onChange={setContract}
              error={form.errors.contractId as string | undefined}
            />
            {annualShown && (
              <ContractSelect
                target={target}
                kind="annual"
                companyId={form.values.company?.id ?? null}
                value={form.values.annualContractId}
                onChange={setAnnualContract}
              />
            )}
            <ShadowField
              target={target}
              customer={customer}
              contractId={form.values.contractId}
              checked={form.values.shadow}
              onChange={setShadow}
            />
            <Select
              label="Pricing strategy"
              description={strategy?.description}
              data={PRICING_STRATEGIES.map((s) => ({ value: s.value, label: s.label }))}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps('strategy')}
            />
            <Select
              label="Billing"
              description={
                form.values.billing === 'advance'
                  ? "The coming month is billed from the customer's current seats; the next invoice's changes are corrected on the month they happened."
                  : 'Seats are billed as Microsoft invoices them, after the invoice.'
              }
              data={[
                { value: 'arrears', label: 'In arrears (as Microsoft invoices)' },
                { value: 'advance', label: 'In advance (the coming month)' },
              ]}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps('billing')}
            />
            <SyncStartField
              target={target}
              tenantId={customer.tenantId}
              value={form.values.syncStart}
              onChange={(v) => form.setFieldValue('syncStart', v)}
              error={form.errors.syncStart as string | undefined}
            />
            <Switch
              label="Sync"
              description={`Keep this customer's ${label} ${CONTRACT_WORD[target].one} in step with its Microsoft invoices.`}
              {...form.getInputProps('syncOn', { type: 'checkbox' })}
            />
            {(save.isError || clear.isError || syncNow.isError) && (
              <ErrorAlert
                error={save.error ?? clear.error ?? syncNow.error}
                title={syncNow.isError ? 'Saved, but the sync could not start' : 'Could not save the mapping'}
              />
            )}
            {confirmClear && (
              <ClearMappingConfirm
                target={target}
                customer={customer}
                clear={clear}
                onCleared={onClose}
                onKeep={() => setConfirmClear(false)}
              />
            )}
            <Group justify="space-between" mt="sm">
              <div>
                {customer.mapped && !readOnly && !confirmClear && (
                  <Button variant="subtle" color="red" onClick={() => setConfirmClear(true)}>
                    Clear mapping
                  </Button>
                )}
              </div>
              <Group gap="sm">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                {!readOnly && (
                  <>
                    <Button type="submit" variant="light" loading={save.isPending && !syncNow.isPending}>
                      SAVE
                    </Button>
                    <Button
                      onClick={() => submit(true)()}
                      disabled={!form.values.syncOn}
                      loading={syncNow.isPending}
                      title={form.values.syncOn ? undefined : 'Switch Sync on to sync now'}
                    >
                      SAVE AND SYNC NOW
                    </Button>
                  </>
                )}
              </Group>
            </Group>
          </Stack>
        </fieldset>
      </form>
    </Modal>
  );
}
