import { LineChart } from '@mantine/charts';
import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ReferenceArea, ReferenceDot } from 'recharts';
import type { TargetKind, Timeline } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { PageLoader } from '../../components/page-loader';
import {
  currencyOfOffers,
  formatDateTime,
  formatDelta,
  formatMoney,
  formatPeriod,
  formatPlainDate,
} from '../../lib/format';
import { ProgramPageHeader } from '../programs/program-page-header';
import { CONTRACT_WORD, runPath, TARGET_LABEL } from '../programs/program-paths';
import { useProgramTarget } from '../programs/program-route';
import { OFFER_KIND } from './offers-table';
import { formatPercent } from './recon-flags';
import { reconCustomerPath } from './recon-paths';
import { useTimeline } from './recon-queries';
import { addDays, chartPoints, dayNumber, dayOf, differs, rangeOn, segments } from './timeline-model';

const COLORS = {
  invoice: 'indigo.6',
  psa: 'teal.6',
  write: 'var(--mantine-color-violet-6)',
  locked: 'var(--mantine-color-gray-4)',
  change: 'orange.6',
};

/**
 * One contract line day by day (spec section 9): the invoices' seats beside the PSA's units as step lines, the
 * days the PSA has locked (posted, or already carrying a change), each billsync write with its run, the prices and
 * costs per stretch of days and the one-time charges.
 */
export function TimelinePage() {
  const target = useProgramTarget();
  const { tenantId = '' } = useParams();
  const [params] = useSearchParams();
  const offerKey = params.get('offer') ?? '';
  const timeline = useTimeline(target, tenantId, offerKey);
  const t = timeline.data;
  return (
    <>
      <ProgramPageHeader
        tab="reconciliation"
        target={target}
        title={t ? `Timeline: ${t.title}` : 'Timeline'}
        description={t ? <TimelineWhat t={t} target={target} /> : undefined}
      />
      <Anchor
        component={Link}
        to={reconCustomerPath(target, tenantId)}
        size="sm"
        mb="md"
        display="inline-flex"
      >
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          Back to {t?.customerName ?? 'the customer'}
        </Group>
      </Anchor>
      {!offerKey && <ErrorAlert error={new Error('No offer is given: open the timeline from an offer.')} />}
      {timeline.isPending && offerKey && <PageLoader label="Loading the timeline" />}
      {timeline.isError && (
        <ErrorAlert
          error={timeline.error}
          title="Could not load the timeline"
          onRetry={() => timeline.refetch()}
        />
      )}
      {t && <TimelineBody t={t} target={target} />}
    </>
  );
}

function TimelineWhat({ t, target }: { t: Timeline; target: TargetKind }) {
  const word = CONTRACT_WORD[target];
  return (
    <>
      {t.customerName} · {OFFER_KIND[t.kind]} ·{' '}
      {t.contractId
        ? `${word.title} ${t.contractId}${t.contractLineId ? `, line ${t.contractLineId}` : ''}`
        : `no ${word.one} line in ${TARGET_LABEL[target]} yet`}
    </>
  );
}

function TimelineBody({ t, target }: { t: Timeline; target: TargetKind }) {
  const psa = TARGET_LABEL[target];
  const currency = currencyOfOffers([t.offerKey]);
  const money = (v: string | null) => (v === null ? '—' : formatMoney(v, currency));
  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="md" component="section" aria-labelledby="timeline-chart-title">
        <Title order={2} fz="h4" id="timeline-chart-title">
          Seats and units, {formatPlainDate(t.from)} – {formatPlainDate(addDays(t.until, -1))}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          What the Microsoft invoices say each day beside what {psa} bills. Grey: days {psa} has already
          posted; orange lines: days that already carry a change (both are locked); violet dots:
          billsync&apos;s writes.
        </Text>
        <StepChart t={t} target={target} />
        {t.decided.length > 0 && (
          <Text size="xs" c="dimmed" mt="xs" data-testid="timeline-decided">
            Days the synced invoices decide:{' '}
            {t.decided
              .map((d) => `${formatPlainDate(d.start)} – ${formatPlainDate(addDays(d.end, -1))}`)
              .join(', ')}
            {t.postedThrough ? ` · posted through ${formatPlainDate(t.postedThrough)}` : ''}
          </Text>
        )}
      </Card>

      <Card withBorder radius="md" padding="md" component="section" aria-labelledby="timeline-writes-title">
        <Title order={2} fz="h4" id="timeline-writes-title" mb="sm">
          billsync&apos;s changes to this line
        </Title>
        {t.writes.length === 0 ? (
          <Text size="sm" c="dimmed">
            billsync has not changed this line yet.
          </Text>
        ) : (
          <List spacing="xs" size="sm" data-testid="timeline-writes">
            {[...t.writes]
              .sort((a, b) => a.date.localeCompare(b.date) || a.at.localeCompare(b.at))
              .map((w) => (
                <List.Item key={`${w.runId}:${w.date}:${w.kind}:${w.text}`} data-testid="timeline-write">
                  <Group gap="xs" wrap="wrap">
                    <Text size="sm" fw={600}>
                      {formatPlainDate(w.date)}
                    </Text>
                    <Badge size="sm" variant="light" color="violet" tt="none">
                      {w.kind === 'adjust' ? 'Units or price changed' : 'Charge'}
                    </Badge>
                    <Text size="sm">{w.text}</Text>
                    <Text size="xs" c="dimmed">
                      written {formatDateTime(w.at)}
                    </Text>
                    <Anchor component={Link} to={runPath(target, w.runId)} size="sm">
                      Open the run
                    </Anchor>
                  </Group>
                </List.Item>
              ))}
          </List>
        )}
      </Card>

      <Card withBorder radius="md" padding="md" component="section" aria-labelledby="timeline-prices-title">
        <Title order={2} fz="h4" id="timeline-prices-title" mb="sm">
          Prices and costs
        </Title>
        <Table.ScrollContainer minWidth={900}>
          <Table fz="sm" verticalSpacing={4} data-testid="timeline-segments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Days</Table.Th>
                <Table.Th ta="right">Invoice seats</Table.Th>
                <Table.Th ta="right">Expected price</Table.Th>
                <Table.Th ta="right">Microsoft cost</Table.Th>
                <Table.Th ta="right">{psa} units</Table.Th>
                <Table.Th ta="right">{psa} price</Table.Th>
                <Table.Th ta="right">{psa} cost</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {segments(t).map((s) => {
                const off = differs(s);
                return (
                  <Table.Tr
                    key={s.start}
                    {...(off ? { bg: 'var(--mantine-color-orange-0)', 'data-differs': true } : {})}
                  >
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatPlainDate(s.start)} – {formatPlainDate(addDays(s.end, -1))}
                    </Table.Td>
                    <Table.Td ta="right">{s.invoice?.units ?? '—'}</Table.Td>
                    <Table.Td ta="right">{money(s.invoice?.price ?? null)}</Table.Td>
                    <Table.Td ta="right">{money(s.invoice?.cost ?? null)}</Table.Td>
                    <Table.Td ta="right">{s.psa?.units ?? '—'}</Table.Td>
                    <Table.Td ta="right">{money(s.psa?.price ?? null)}</Table.Td>
                    <Table.Td ta="right">{money(s.psa?.cost ?? null)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {t.months.length > 0 && (
          <>
            <Text size="sm" fw={600} mt="md" mb={4}>
              Per month
            </Text>
            <Table.ScrollContainer minWidth={760}>
              <Table fz="sm" verticalSpacing={4} striped data-testid="timeline-months">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Month</Table.Th>
                    <Table.Th ta="right">Microsoft cost</Table.Th>
                    <Table.Th ta="right">Expected</Table.Th>
                    <Table.Th ta="right">Billed in {psa}</Table.Th>
                    <Table.Th ta="right">Margin</Table.Th>
                    <Table.Th ta="right">Difference</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {t.months.map((m) => (
                    <Table.Tr key={m.period}>
                      <Table.Td>{formatPeriod(m.period)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(m.cost, currency)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(m.expected, currency)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(m.billed, currency)}</Table.Td>
                      <Table.Td ta="right">
                        {formatMoney(m.margin, currency)} ({formatPercent(m.marginPercent)})
                      </Table.Td>
                      <Table.Td ta="right">{formatDelta(m.difference, currency)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Card>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Facts title="One-time charges">
          {t.charges.length === 0 ? (
            <Text size="sm" c="dimmed">
              No one-time charge on this line.
            </Text>
          ) : (
            <Table fz="sm" verticalSpacing={4} data-testid="timeline-charges">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Charge</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th ta="right">Cost</Table.Th>
                  <Table.Th>By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {t.charges.map((c) => (
                  <Table.Tr key={`${c.date}:${c.name}:${c.amount}`}>
                    <Table.Td>{formatPlainDate(c.date)}</Table.Td>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td ta="right">{formatMoney(c.amount, currency)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(c.cost, currency)}</Table.Td>
                    <Table.Td>{c.billsync ? 'billsync' : `By hand in ${psa}`}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Facts>
        <Facts title="Locked days">
          <Text size="sm">
            {t.postedThrough
              ? `${psa} has posted the ${CONTRACT_WORD[target].one} through ${formatPlainDate(t.postedThrough)}: billsync corrects those days with charges or credits, never by changing them.`
              : `Nothing of this ${CONTRACT_WORD[target].one} is posted yet.`}
          </Text>
          <Text size="sm" mt="xs" data-testid="timeline-change-days">
            {t.changeDays.length === 0
              ? 'No day carries a change of the line yet.'
              : `Days that already carry a change: ${t.changeDays.map((d) => formatPlainDate(d)).join(', ')}.`}
          </Text>
        </Facts>
      </SimpleGrid>
    </Stack>
  );
}

function Facts({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="md" component="section">
      <Title order={2} fz="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

/** A day number of the chart as a date; nothing for what is not one (the tooltip asks before a point is hovered). */
const dayLabel = (x: unknown) =>
  typeof x === 'number' && Number.isFinite(x) ? formatPlainDate(dayOf(x)) : '';

function StepChart({ t, target }: { t: Timeline; target: TargetKind }) {
  const points = chartPoints(t);
  const from = dayNumber(t.from);
  const until = dayNumber(t.until);
  // The writes sit on the PSA's line on their day (on the invoices' when the PSA has nothing there).
  const writeDots = t.writes.map((w) => {
    const on = rangeOn(t.psa, w.date) ?? rangeOn(t.invoice, w.date);
    return {
      key: `${w.runId}:${w.date}:${w.kind}:${w.text}`,
      x: dayNumber(w.date),
      y: on ? Number(on.units) : 0,
    };
  });
  const posted = t.postedThrough && t.postedThrough >= t.from ? dayNumber(t.postedThrough) + 1 : null;
  return (
    <div
      role="img"
      aria-label={`Invoice seats and ${TARGET_LABEL[target]} units per day from ${formatPlainDate(t.from)}`}
      data-testid="timeline-chart"
    >
      <LineChart
        h={300}
        data={points}
        dataKey="x"
        series={[
          { name: 'invoice', label: 'Invoice seats', color: COLORS.invoice },
          { name: 'psa', label: `${TARGET_LABEL[target]} units`, color: COLORS.psa, strokeDasharray: '6 3' },
        ]}
        curveType="stepAfter"
        connectNulls={false}
        withDots={false}
        withLegend
        legendProps={{ verticalAlign: 'top', height: 40 }}
        xAxisProps={{
          type: 'number',
          domain: [from, until],
          allowDataOverflow: true,
          tickFormatter: dayLabel,
          tickCount: 8,
        }}
        yAxisProps={{ allowDecimals: false, width: 50 }}
        tooltipProps={{ labelFormatter: (x) => dayLabel(x) }}
        referenceLines={t.changeDays.map((d) => ({
          x: dayNumber(d),
          color: COLORS.change,
          strokeDasharray: '4 3',
        }))}
      >
        {posted !== null && (
          <ReferenceArea
            yAxisId="left"
            x1={from}
            x2={Math.min(posted, until)}
            fill={COLORS.locked}
            fillOpacity={0.35}
            ifOverflow="hidden"
            label={{ value: 'Posted', position: 'insideTopLeft', fontSize: 12 }}
          />
        )}
        {writeDots.map((d) => (
          <ReferenceDot
            key={d.key}
            yAxisId="left"
            x={d.x}
            y={d.y}
            r={6}
            fill={COLORS.write}
            stroke="white"
            ifOverflow="extendDomain"
          />
        ))}
      </LineChart>
    </div>
  );
}
