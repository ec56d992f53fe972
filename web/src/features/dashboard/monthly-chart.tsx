import { Anchor, Collapse, Group, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId } from 'react';
import type { MonthFigures } from '../../api/types';
import { formatMoney, formatMoneyCompact, formatPeriod, formatPeriodShort } from '../../lib/format';

const W = 960;
const H = 280;
const PAD = { left: 72, right: 16, top: 12, bottom: 36 };
const COLORS = {
  cost: 'var(--mantine-color-indigo-2)',
  retail: 'var(--mantine-color-indigo-6)',
  margin: 'var(--mantine-color-teal-6)',
  invoiced: 'var(--mantine-color-gray-6)',
  grid: 'var(--mantine-color-gray-2)',
  text: 'var(--mantine-color-dimmed)',
};

/** 0, 2,500, 5,000 ...: about `count` round steps up to at least `max`. */
function ticks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(v);
  return out;
}

interface MonthlyChartProps {
  months: readonly MonthFigures[];
  currency: string | null;
}

/**
 * The last 12 months (spec section 9): cost vs retail synced to the PSA as bars, the margin as a line, and
 * what Microsoft billed for all customers as a dashed line. Plain SVG; the figures are also a table.
 */
export function MonthlyChart({ months, currency }: MonthlyChartProps) {
  const id = useId();
  const [tableOpened, table] = useDisclosure(false);
  const data = months.map((m) => ({
    ...m,
    c: Number(m.cost),
    r: Number(m.retail),
    g: Number(m.margin),
    i: Number(m.invoicedCost),
  }));
  const showInvoiced = data.some((d) => Math.abs(d.i - d.c) > 0.005);
  const max = Math.max(1, ...data.flatMap((d) => [d.c, d.r, showInvoiced ? d.i : 0]));
  const yTicks = ticks(max);
  const top = yTicks.at(-1) ?? max;
  const min = Math.min(0, ...data.map((d) => d.g));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH - ((v - min) / (top - min)) * plotH;
  const band = plotW / Math.max(1, data.length);
  const bar = Math.min(22, band * 0.3);
  const cx = (i: number) => PAD.left + band * i + band / 2;
  /** A polyline through the months `keep` accepts, broken where it does not. */
  const line = (
    pick: (d: (typeof data)[number]) => number,
    keep: (d: (typeof data)[number]) => boolean = () => true,
  ) =>
    data
      .map((d, i) => {
        if (!keep(d)) return '';
        const move = i === 0 || !keep(data[i - 1]!);
        return `${move ? 'M' : 'L'}${cx(i).toFixed(1)},${y(pick(d)).toFixed(1)}`;
      })
      .join(' ');
  const synced = (d: (typeof data)[number]) => d.c !== 0 || d.r !== 0;
  const total = data.reduce((s, d) => ({ c: s.c + d.c, r: s.r + d.r }), { c: 0, r: 0 });
  const summary =
    total.r > 0
      ? `Over ${data.length} months: cost ${formatMoney(total.c, currency)}, retail ${formatMoney(total.r, currency)}, margin ${formatMoney(total.r - total.c, currency)} (${(((total.r - total.c) / total.r) * 100).toFixed(1)}%).`
      : 'Nothing has been synced in these months yet.';

  return (
    <div>
      <Group gap="lg" mb="xs" aria-hidden>
        <Legend color={COLORS.cost} label="Cost (Microsoft)" />
        <Legend color={COLORS.retail} label="Retail" />
        <Legend color={COLORS.margin} label="Margin" line />
        {showInvoiced && <Legend color={COLORS.invoiced} label="Invoiced, all customers" line dashed />}
      </Group>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        style={{ display: 'block', maxHeight: 320 }}
        data-testid="monthly-chart"
      >
        <title id={`${id}-title`}>Cost vs retail synced per month</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {yTicks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} style={{ stroke: COLORS.grid }} />
            <text x={PAD.left - 8} y={y(t) + 4} textAnchor="end" fontSize={12} style={{ fill: COLORS.text }}>
              {formatMoneyCompact(t, currency)}
            </text>
          </g>
        ))}
        {data.map((d, i) => (
          <g key={d.period}>
            <title>
              {`${formatPeriod(d.period)}: cost ${formatMoney(d.c, currency)}, retail ${formatMoney(d.r, currency)}, margin ${formatMoney(d.g, currency)}${d.marginPercent === null ? '' : ` (${d.marginPercent}%)`}, ${d.customers} customer(s) synced; invoiced for all customers ${formatMoney(d.i, currency)}`}
            </title>
            <rect x={cx(i) - band / 2} y={PAD.top} width={band} height={plotH} fill="transparent" />
            <rect
              x={cx(i) - bar - 1}
              y={y(d.c)}
              width={bar}
              height={Math.max(0, y(0) - y(d.c))}
              rx={2}
              style={{ fill: COLORS.cost }}
            />
            <rect
              x={cx(i) + 1}
              y={y(d.r)}
              width={bar}
              height={Math.max(0, y(0) - y(d.r))}
              rx={2}
              style={{ fill: COLORS.retail }}
            />
            <text
              x={cx(i)}
              y={H - PAD.bottom + 18}
              textAnchor="middle"
              fontSize={12}
              style={{ fill: COLORS.text }}
            >
              {formatPeriodShort(d.period)}
            </text>
            {(i === 0 || d.period.endsWith('-01')) && (
              <text
                x={cx(i)}
                y={H - PAD.bottom + 32}
                textAnchor="middle"
                fontSize={11}
                style={{ fill: COLORS.text }}
              >
                {d.period.slice(0, 4)}
              </text>
            )}
          </g>
        ))}
        {showInvoiced && (
          <path
            d={line((d) => d.i)}
            fill="none"
            strokeWidth={1.5}
            strokeDasharray="5 4"
            style={{ stroke: COLORS.invoiced }}
            pointerEvents="none"
          />
        )}
        <path
          d={line((d) => d.g, synced)}
          fill="none"
          strokeWidth={2.5}
          style={{ stroke: COLORS.margin }}
          pointerEvents="none"
        />
        {data.map((d, i) =>
          synced(d) ? (
            <circle
              key={d.period}
              cx={cx(i)}
              cy={y(d.g)}
              r={3.5}
              style={{ fill: COLORS.margin }}
              pointerEvents="none"
            />
          ) : null,
        )}
        <line
          x1={PAD.left}
          x2={W - PAD.right}
          y1={y(0)}
          y2={y(0)}
          style={{ stroke: 'var(--mantine-color-gray-4)' }}
        />
      </svg>
      <Group justify="space-between" mt="xs">
        <Text size="sm" c="dimmed">
          {summary}
        </Text>
        <Anchor component="button" type="button" size="sm" onClick={table.toggle} aria-expanded={tableOpened}>
          {tableOpened ? 'Hide the figures' : 'Show the figures'}
        </Anchor>
      </Group>
      <Collapse in={tableOpened}>
        <Table.ScrollContainer minWidth={640} mt="sm">
          <Table striped fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Month</Table.Th>
                <Table.Th ta="right">Cost</Table.Th>
                <Table.Th ta="right">Retail</Table.Th>
                <Table.Th ta="right">Margin</Table.Th>
                <Table.Th ta="right">Margin %</Table.Th>
                <Table.Th ta="right">Customers</Table.Th>
                <Table.Th ta="right">Invoiced, all customers</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((d) => (
                <Table.Tr key={d.period}>
                  <Table.Td>{formatPeriod(d.period)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(d.c, currency)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(d.r, currency)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(d.g, currency)}</Table.Td>
                  <Table.Td ta="right">{d.marginPercent === null ? '—' : `${d.marginPercent}%`}</Table.Td>
                  <Table.Td ta="right">{d.customers}</Table.Td>
                  <Table.Td ta="right">{formatMoney(d.i, currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Collapse>
    </div>
  );
}

function Legend({
  color,
  label,
  line,
  dashed,
}: {
  color: string;
  label: string;
  line?: boolean;
  dashed?: boolean;
}) {
  return (
    <Group gap={6}>
      <svg width={18} height={10} aria-hidden>
        {line ? (
          <line
            x1={0}
            x2={18}
            y1={5}
            y2={5}
            strokeWidth={2.5}
            strokeDasharray={dashed ? '4 3' : undefined}
            style={{ stroke: color }}
          />
        ) : (
          <rect width={18} height={10} rx={2} style={{ fill: color }} />
        )}
      </svg>
      <Text size="sm">{label}</Text>
    </Group>
  );
}
