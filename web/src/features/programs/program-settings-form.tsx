import {
  Alert,
  Anchor,
  Button,
  Card,
  Collapse,
  Group,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { type ReactNode, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { Option, Program, ProgramPatch, ProgramSettings, TargetKind } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { programPath, TARGET_LABEL } from './program-paths';
import { useProgramOptions, useSaveProgram } from './program-queries';

/** Help of the charge code dropdown (spec section 6, "Locked days"). */
const CHARGE_CODE_HELP: Record<TargetKind, string> = {
  autotask:
    "billsync books a one-time charge or credit on the contract for days it can no longer change (already posted, or already adjusted). Leave empty to use Autotask's first active Material Cost Code.",
  connectwise:
    "billsync books a one-time charge or credit on the agreement for days it can no longer change (already posted, or already adjusted). Leave empty to use ConnectWise's default.",
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PREFIX = /^[\w.:-]*$/;
const PERCENT = /^\d{1,4}(\.\d{1,4})?$/;

interface Values {
  syncEnabled: boolean;
  mode: ProgramSettings['mode'];
  monthly: boolean;
  annual: boolean;
  azure: boolean;
  billingCodeId: string | null;
  vendorId: string | null;
  chargeCodeId: string | null;
  emails: string[];
  reconEmail: boolean;
  namePrefix: string;
  azureMarkupPercent: string;
  requireApproval: boolean;
  approvalThresholdPercent: number | string;
  /** ConnectWise's catalog (decision 0012). */
  categoryId: string | null;
  subcategoryId: string | null;
  typeId: string | null;
  taxable: boolean;
}

function toValues(s: ProgramSettings): Values {
  return {
    syncEnabled: s.syncEnabled,
    mode: s.mode,
    monthly: s.motions.monthly,
    annual: s.motions.annual,
    azure: s.motions.azure,
    billingCodeId: s.billingCodeId,
    vendorId: s.vendorId,
    chargeCodeId: s.chargeCodeId,
    emails: s.emails,
    reconEmail: s.reconEmail,
    namePrefix: s.namePrefix,
    azureMarkupPercent: s.azureMarkupPercent,
    requireApproval: s.approvalThresholdPercent !== null,
    approvalThresholdPercent: s.approvalThresholdPercent ?? 10,
    categoryId: s.catalog?.categoryId ?? null,
    subcategoryId: s.catalog?.subcategoryId ?? null,
    typeId: s.catalog?.typeId ?? null,
    taxable: s.catalog?.taxable ?? false,
  };
}

function toPatch(target: TargetKind, v: Values): ProgramPatch {
  const catalog =
    target === 'connectwise'
      ? {
          catalog: {
            categoryId: v.categoryId,
            subcategoryId: v.subcategoryId,
            typeId: v.typeId,
            taxable: v.taxable,
          },
        }
      : {};
  return {
    ...catalog,
    syncEnabled: v.syncEnabled,
    mode: v.mode,
    motions: { monthly: v.monthly, annual: v.annual, azure: v.azure },
    // ConnectWise has no billing code field: the server takes the subcategory (decision 0012).
    ...(target === 'autotask' ? { billingCodeId: v.billingCodeId } : {}),
    vendorId: v.vendorId,
    chargeCodeId: v.chargeCodeId,
    emails: v.emails,
    reconEmail: v.reconEmail,
    namePrefix: v.namePrefix.trim(),
    azureMarkupPercent: v.azureMarkupPercent.trim() || '0',
    approvalThresholdPercent: v.requireApproval ? Number(v.approvalThresholdPercent) : null,
  };
}

const MISC = 'Miscellaneous';
const miscOf = (options: Option[] | undefined) => options?.find((o) => o.name === MISC)?.id ?? null;

/** The options of a dropdown, keeping the stored id selectable when the PSA did not answer or no longer lists it. */
function withCurrent(
  options: Option[] | undefined,
  current: string | null,
): { value: string; label: string }[] {
  const data = (options ?? []).map((o) => ({ value: o.id, label: o.name }));
  if (current && !data.some((d) => d.value === current))
    data.unshift({ value: current, label: `#${current}` });
  return data;
}

interface ProgramSettingsFormProps {
  target: TargetKind;
  program: Program;
  readOnly: boolean;
}

/** The Microsoft CSP program of a PSA (spec section 3): Sync switch, products, motions, codes, e-mails. */
export function ProgramSettingsForm({ target, program, readOnly }: ProgramSettingsFormProps) {
  const label = TARGET_LABEL[target];
  const options = useProgramOptions(target);
  const save = useSaveProgram(target);
  const [advancedOpened, advanced] = useDisclosure(false);
  const form = useForm<Values>({
    initialValues: toValues(program.settings),
    validate: {
      billingCodeId: (v, values) =>
        target === 'autotask' && values.syncEnabled && !v
          ? 'Choose a billing code: Autotask needs one for every service billsync creates'
          : null,
      monthly: (v, values) =>
        v || values.annual || values.azure ? null : 'Switch on at least one billing motion',
      namePrefix: (v) =>
        v.trim().length > 20
          ? 'At most 20 characters'
          : PREFIX.test(v.trim())
            ? null
            : 'Letters, digits and _ . : - only',
      azureMarkupPercent: (v) =>
        !v.trim() || PERCENT.test(v.trim()) ? null : 'A percentage like 10 or 12.5',
      approvalThresholdPercent: (v, values) =>
        !values.requireApproval || (typeof v === 'number' && v >= 0 && v <= 10_000)
          ? null
          : 'A percentage from 0 to 10000',
    },
  });

  const onEmails = (list: string[]) => {
    const cleaned = [...new Set(list.map((e) => e.trim().toLowerCase()).filter(Boolean))];
    const bad = cleaned.filter((e) => !EMAIL.test(e));
    form.setFieldValue(
      'emails',
      cleaned.filter((e) => EMAIL.test(e)),
    );
    form.setFieldError('emails', bad.length ? `${bad.join(', ')} is not an e-mail address` : null);
  };

  const submit = form.onSubmit((values) => {
    save.mutate(toPatch(target, values), {
      onSuccess: (saved) => {
        form.resetDirty(toValues(saved.settings));
        notifications.show({
          color: saved.warnings.length ? 'yellow' : 'green',
          title: 'Program settings saved',
          message: saved.warnings.length ? saved.warnings.join(' ') : `Microsoft CSP on ${label} is set up.`,
        });
      },
    });
  });

  const billingCodes = withCurrent(options.data?.billingCodes, form.values.billingCodeId);
  const vendors = withCurrent(options.data?.vendors, form.values.vendorId);
  const chargeCodes = withCurrent(options.data?.chargeCodes, form.values.chargeCodeId);
  const placement = options.data?.placement;
  const categories = withCurrent(placement?.categories, form.values.categoryId);
  const subcategories = withCurrent(
    placement?.subcategories.filter(
      (s) => !form.values.categoryId || s.categoryId === form.values.categoryId,
    ),
    form.values.subcategoryId,
  );
  const productTypes = withCurrent(placement?.productTypes, form.values.typeId);

  // A ConnectWise program that never chose: propose the tenant's "Miscellaneous" rows (what the adapter uses).
  const proposed = useRef(false);
  useEffect(() => {
    if (target !== 'connectwise' || !placement || proposed.current || program.settings.catalog) return;
    proposed.current = true;
    const subcategoryId = miscOf(placement.subcategories);
    const categoryId =
      placement.subcategories.find((s) => s.id === subcategoryId)?.categoryId ?? miscOf(placement.categories);
    form.setValues({ categoryId, subcategoryId, typeId: miscOf(placement.productTypes) });
  }, [target, placement, program.settings.catalog, form]);

  const onCategory = (categoryId: string | null) => {
    const keeps = placement?.subcategories.some(
      (s) => s.id === form.values.subcategoryId && s.categoryId === categoryId,
    );
    form.setValues({ categoryId, ...(keeps ? {} : { subcategoryId: null }) });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Program settings">
      <fieldset
        disabled={readOnly || save.isPending}
        style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}
      >
        <Stack gap="lg" maw={1280}>
          {readOnly && (
            <Alert color="gray" variant="light">
              Only an administrator can change the program settings.
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" verticalSpacing="lg">
            <Stack gap="lg">
              <Section
                title="Microsoft CSP program"
                id="program-sync"
                aside={
                  <Switch
                    size="md"
                    label="Sync"
                    aria-describedby="program-sync-help"
                    {...form.getInputProps('syncEnabled', { type: 'checkbox' })}
                  />
                }
              >
                <Text size="sm" c="dimmed" id="program-sync-help">
                  When on, billsync syncs Microsoft CSP products and the invoices of customers whose sync is
                  on to {label} (daily, and when you sync now).
                </Text>
              </Section>

              <Section title="Products" id="program-products">
                <Radio.Group
                  label="Product Sync Mode"
                  description={`Which price-list offers become ${label} services.`}
                  {...form.getInputProps('mode')}
                >
                  <Stack gap="sm" mt="xs">
                    <Radio
                      value="in-use"
                      label="In Use Products only (recommended)"
                      description="Only offers that appear on invoices of customers whose sync is on."
                    />
                    <Radio
                      value="all"
                      label="All Products"
                      description={`Every price-list offer of the billing motions below: can mean thousands of ${label} services.`}
                    />
                  </Stack>
                </Radio.Group>
              </Section>

              <Section title="Billing motions" id="program-motions">
                <Stack gap="sm">
                  <Switch
                    label="Seat-based monthly"
                    description="Monthly-billed licenses (monthly and annual terms)."
                    {...form.getInputProps('monthly', { type: 'checkbox' })}
                    error={form.errors.monthly}
                  />
                  <Switch
                    label="Seat-based annual"
                    description="Annually billed licenses."
                    {...form.getInputProps('annual', { type: 'checkbox' })}
                  />
                  <Switch
                    label="Sync Azure Subscriptions"
                    description="Each month's Azure plan usage as one line with quantity 1, billed once."
                    {...form.getInputProps('azure', { type: 'checkbox' })}
                  />
                </Stack>
              </Section>
            </Stack>
            <Stack gap="lg">
              <Section title={label} id="program-psa">
                {options.isError && (
                  <ErrorAlert
                    error={options.error}
                    title={`Could not read the billing codes, charge codes and vendors from ${label}`}
                    onRetry={() => options.refetch()}
                  />
                )}
                {target === 'connectwise' && (
                  <Stack gap="sm" mb="md">
                    <SimpleGrid cols={{ base: 1, sm: 3, lg: 1, xl: 3 }}>
                      <Select
                        label="Catalog category"
                        placeholder={options.isPending ? 'Loading…' : 'Choose a category'}
                        data={categories}
                        searchable
                        clearable
                        value={form.values.categoryId}
                        onChange={onCategory}
                      />
                      <Select
                        label="Subcategory"
                        placeholder={options.isPending ? 'Loading…' : 'Miscellaneous'}
                        data={subcategories}
                        searchable
                        clearable
                        nothingFoundMessage="No subcategory of this category matches"
                        {...form.getInputProps('subcategoryId')}
                      />
                      <Select
                        label="Product type"
                        placeholder={options.isPending ? 'Loading…' : 'Miscellaneous'}
                        data={productTypes}
                        searchable
                        clearable
                        {...form.getInputProps('typeId')}
                      />
                    </SimpleGrid>
                    <Text size="xs" c="dimmed">
                      Where billsync files the catalog items it creates. Left empty, ConnectWise&apos;s
                      “Miscellaneous” subcategory and product type are used.
                    </Text>
                    <Switch
                      label="Set new products taxable"
                      {...form.getInputProps('taxable', { type: 'checkbox' })}
                    />
                  </Stack>
                )}
                <SimpleGrid cols={{ base: 1, sm: 2, lg: 1, xl: 2 }}>
                  {target === 'autotask' && (
                    <Select
                      label="Billing Code"
                      description="Only codes of type Recurring Contract Service are listed."
                      placeholder={options.isPending ? 'Loading…' : 'Choose a billing code'}
                      data={billingCodes}
                      searchable
                      required={target === 'autotask'}
                      nothingFoundMessage="No Recurring Contract Service billing code matches"
                      {...form.getInputProps('billingCodeId')}
                    />
                  )}
                  <Select
                    label="Vendor"
                    description="Optional: the vendor of the services billsync creates."
                    placeholder={options.isPending ? 'Loading…' : 'No vendor'}
                    data={vendors}
                    searchable
                    clearable
                    nothingFoundMessage="No vendor company matches"
                    {...form.getInputProps('vendorId')}
                  />
                </SimpleGrid>
                <Select
                  mt="md"
                  label="Charge code for corrections"
                  description={CHARGE_CODE_HELP[target]}
                  placeholder={options.isPending ? 'Loading…' : `${label}'s default`}
                  data={chargeCodes}
                  searchable
                  clearable
                  nothingFoundMessage="No charge code matches"
                  {...form.getInputProps('chargeCodeId')}
                />
              </Section>

              <Section title="Notifications" id="program-notifications">
                <TagsInput
                  label="Notification email addresses"
                  description="Receive sync errors and price-change warnings. Press Enter or comma after each address."
                  placeholder={form.values.emails.length ? '' : 'billing@yourcompany.example'}
                  splitChars={[',', ' ', ';']}
                  clearable
                  value={form.values.emails}
                  onChange={onEmails}
                  error={form.errors.emails}
                  maxTags={20}
                />
                <Switch
                  mt="md"
                  label="Monthly reconciliation e-mail"
                  description="After each month's invoice is synced, e-mail the totals, the margin, the flagged customers and what nobody is billed for to these addresses."
                  {...form.getInputProps('reconEmail', { type: 'checkbox' })}
                />
              </Section>

              <div>
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  onClick={advanced.toggle}
                  aria-expanded={advancedOpened}
                >
                  {advancedOpened ? 'Hide advanced settings' : 'Advanced settings'}
                </Anchor>
                <Collapse in={advancedOpened}>
                  <Section title="Advanced" id="program-advanced" mt="sm">
                    <SimpleGrid cols={{ base: 1, sm: 2 }}>
                      <TextInput
                        label="Product name prefix"
                        description="New services are named prefix + SKU code, e.g. PC_CFQ7TTC0LCHC:0002."
                        {...form.getInputProps('namePrefix')}
                      />
                      <TextInput
                        label="Azure markup (%)"
                        description="Retail of Azure usage = cost plus this percentage, for every customer (a price rule; a change applies from next month; per-customer markups on the Price rules page)."
                        inputMode="decimal"
                        {...form.getInputProps('azureMarkupPercent')}
                      />
                    </SimpleGrid>
                    <Switch
                      mt="md"
                      label="Require approval of large changes"
                      description="Customer syncs wait in History for Approve / Reject when a contract's monthly value changes by more than the threshold."
                      {...form.getInputProps('requireApproval', { type: 'checkbox' })}
                    />
                    {form.values.requireApproval && (
                      <NumberInput
                        mt="sm"
                        maw={240}
                        label="Approval threshold (%)"
                        min={0}
                        max={10_000}
                        {...form.getInputProps('approvalThresholdPercent')}
                      />
                    )}
                  </Section>
                </Collapse>
              </div>
            </Stack>
          </SimpleGrid>

          {save.isError && <ErrorAlert error={save.error} title="Could not save the program settings" />}
          {!readOnly && (
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {form.isDirty()
                  ? 'You have unsaved changes.'
                  : program.configured
                    ? 'All changes saved.'
                    : ''}
              </Text>
              <Button type="submit" loading={save.isPending}>
                SAVE
              </Button>
            </Group>
          )}
          {program.configured && !form.isDirty() && (
            <Alert variant="light" color="indigo" icon={<IconInfoCircle aria-hidden />} title="Next steps">
              Get the Microsoft data in (
              <Anchor component={Link} to="/sources">
                upload the files
              </Anchor>
              , or connect Partner Center on{' '}
              <Anchor component={Link} to="/connections">
                Connections
              </Anchor>
              ), then map your customers to their contracts on the{' '}
              <Anchor component={Link} to={programPath(target, 'customers')}>
                Customers
              </Anchor>{' '}
              tab and sync them: a customer&apos;s sync creates the products its invoices need.
            </Alert>
          )}
        </Stack>
      </fieldset>
    </form>
  );
}

interface SectionProps {
  title: string;
  id: string;
  aside?: ReactNode;
  children: ReactNode;
  mt?: string;
}

function Section({ title, id, aside, children, mt }: SectionProps) {
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="section"
      aria-labelledby={id}
      {...(mt ? { mt } : {})}
    >
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="h4" id={id}>
          {title}
        </Title>
        {aside}
      </Group>
      {children}
    </Card>
  );
}
