import { ActionIcon, Anchor, Group, Table, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconTimeline } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import type { ReconInvoiceLine, ReconOfferRow, TargetKind } from '../../api/types';
import { formatMoney, formatPlainDate } from '../../lib/format';
import { TARGET_LABEL } from '../programs/program-paths';
import { FigureCells, FlagBadges } from './recon-flags';
import { timelinePath } from './recon-paths';

export const OFFER_KIND: Record<ReconOfferRow['kind'], string> = {
  seats: 'Licences',
  azure: 'Azure usage',
  annual: 'Annual subscription',
  problem: 'Cannot be billed',
};

interface OffersTableProps {
  target: TargetKind;
  tenantId: string;
  currency: string | null;
  offers: readonly ReconOfferRow[];
}

/**
 * A customer's offers in the month with their figures and flags. Each row opens the Microsoft invoice lines behind
 * its figures (the evidence, one click away) and links to the contract line's timeline.
 */
export function OffersTable({ target, tenantId, currency, offers }: OffersTableProps) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  // Flagged offers first, then by name.
  const sorted = [...offers].sort(
    (a, b) => Number(b.flags.length > 0) - Number(a.flags.length > 0) || a.title.localeCompare(b.title),
  );
  const psa = TARGET_LABEL[target];
  return (
    <Table.ScrollContainer minWidth={1080}>
      <Table verticalSpacing="xs" data-testid="recon-offers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36} />
            <Table.Th>Offer</Table.Th>
            <Table.Th ta="right">Seats / {psa} units</Table.Th>
            <Table.Th ta="right">Microsoft cost</Table.Th>
            <Table.Th ta="right">Expected</Table.Th>
            <Table.Th ta="right">Billed in {psa}</Table.Th>
            <Table.Th ta="right">Margin</Table.Th>
            <Table.Th ta="right">Difference</Table.Th>
            <Table.Th>Flags</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((o) => {
            const expanded = open.has(o.offerKey);
            const linesId = `lines-${o.offerKey.replace(/[^A-Za-z0-9]/g, '-')}`;
            const unitsDiffer = o.seats !== null && o.units !== null && Number(o.seats) !== Number(o.units);
            return (
              <Fragment key={o.offerKey}>
                <Table.Tr data-testid="recon-offer-row" data-offer={o.offerKey}>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      onClick={() => toggle(o.offerKey)}
                      aria-expanded={expanded}
                      aria-controls={linesId}
                      aria-label={`${expanded ? 'Hide' : 'Show'} the invoice lines of ${o.title}`}
                    >
                      {expanded ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                    </ActionIcon>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {o.title}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {OFFER_KIND[o.kind]}
                      {o.productId ? ` · ${psa} product ${o.productId}` : ` · no ${psa} product`}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      ta="right"
                      c={unitsDiffer ? 'orange.9' : 'inherit'}
                      fw={unitsDiffer ? 600 : 400}
                      data-testid="recon-offer-units"
                    >
                      {o.seats ?? '—'} / {o.units ?? '—'}
                    </Text>
                  </Table.Td>
                  <FigureCells f={o} currency={currency} />
                  <Table.Td>
                    <FlagBadges flags={o.flags} empty="No issue" />
                  </Table.Td>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={timelinePath(target, tenantId, o.offerKey)}
                      size="sm"
                      aria-label={`Timeline of ${o.title}`}
                    >
                      <Group gap={4} wrap="nowrap">
                        <IconTimeline size={14} aria-hidden />
                        Timeline
                      </Group>
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr id={linesId}>
                    <Table.Td />
                    <Table.Td colSpan={9} pb="md">
                      <InvoiceLines lines={o.lines} currency={currency} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Microsoft's charge types (lower-cased by billsync) in words; an unknown one is shown as it came. */
const CHARGE_TYPE: Record<string, string> = {
  new: 'New',
  renew: 'Renewal',
  cyclecharge: 'Monthly charge',
  addquantity: 'Seats added',
  removequantity: 'Seats removed',
  cancel: 'Cancelled',
  cancelimmediate: 'Cancelled at once',
  convert: 'Converted',
  customercredit: 'Credit',
  trialconversion: 'Trial converted',
  usage: 'Usage',
};

/** The Microsoft invoice lines behind an offer's figures, and the part of each that falls in the month. */
export function InvoiceLines({
  lines,
  currency,
}: {
  lines: readonly ReconInvoiceLine[];
  currency: string | null;
}) {
  if (lines.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No Microsoft invoice line covers this month.
      </Text>
    );
  return (
    <Table
      withTableBorder
      fz="sm"
      verticalSpacing={4}
      bg="var(--mantine-color-gray-0)"
      data-testid="recon-invoice-lines"
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Invoice</Table.Th>
          <Table.Th>Line</Table.Th>
          <Table.Th>Charge</Table.Th>
          <Table.Th>Days</Table.Th>
          <Table.Th ta="right">Quantity</Table.Th>
          <Table.Th ta="right">Unit price</Table.Th>
          <Table.Th ta="right">Subtotal</Table.Th>
          <Table.Th ta="right">In this month</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {lines.map((l) => (
          <Table.Tr key={`${l.invoiceId}:${l.lineNumber}`} data-testid="recon-invoice-line">
            <Table.Td>{l.invoiceId}</Table.Td>
            <Table.Td>{l.lineNumber}</Table.Td>
            <Table.Td>{CHARGE_TYPE[l.chargeType] ?? l.chargeType}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              {formatPlainDate(l.chargeStart)} – {formatPlainDate(l.chargeEnd)}
            </Table.Td>
            <Table.Td ta="right">{l.quantity}</Table.Td>
            <Table.Td ta="right">{formatMoney(l.unitPrice, currency)}</Table.Td>
            <Table.Td ta="right">{formatMoney(l.subtotal, currency)}</Table.Td>
            <Table.Td ta="right" fw={600}>
              {formatMoney(l.inPeriod, currency)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
