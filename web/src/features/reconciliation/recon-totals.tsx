import { Card, SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ReconFigures, TargetKind } from '../../api/types';
import { formatDelta, formatMoney } from '../../lib/format';
import { TARGET_LABEL } from '../programs/program-paths';
import { formatPercent } from './recon-flags';

interface ReconTotalsProps {
  figures: ReconFigures;
  currency: string | null;
  target: TargetKind;
}

/** A period's figures as five cards: what Microsoft charged, what should be billed, what is billed, and the gaps. */
export function ReconTotals({ figures, currency, target }: ReconTotalsProps) {
  const margin = Number(figures.margin);
  const difference = Number(figures.difference);
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md" data-testid="recon-totals">
      <Total id="cost" label="Microsoft cost" hint="What Microsoft charged for the month's days">
        {formatMoney(figures.cost, currency)}
      </Total>
      <Total
        id="expected"
        label="Expected retail"
        hint="The invoice seats at your price list and price rules"
      >
        {formatMoney(figures.expected, currency)}
      </Total>
      <Total
        id="billed"
        label={`Billed in ${TARGET_LABEL[target]}`}
        hint="What the contracts bill for the month"
      >
        {formatMoney(figures.billed, currency)}
      </Total>
      <Total
        id="margin"
        label="Margin"
        hint={`${formatPercent(figures.marginPercent)} of what is billed`}
        color={margin < 0 ? 'red.8' : 'teal.8'}
      >
        {formatMoney(figures.margin, currency)}
      </Total>
      <Total
        id="difference"
        label="Difference"
        hint={
          difference === 0
            ? 'Billed exactly as expected'
            : difference < 0
              ? 'Billed less than expected'
              : 'Billed more than expected'
        }
        color={difference < 0 ? 'red.8' : difference > 0 ? 'orange.9' : 'inherit'}
      >
        {formatDelta(figures.difference, currency)}
      </Total>
    </SimpleGrid>
  );
}

function Total({
  id,
  label,
  hint,
  color,
  children,
}: {
  id: string;
  label: string;
  hint: string;
  color?: string;
  children: ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="md" data-testid={`recon-total-${id}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text
        fz="lg"
        fw={700}
        c={color ?? 'inherit'}
        data-testid="recon-total-value"
        style={{ whiteSpace: 'nowrap' }}
      >
        {children}
      </Text>
      <Text size="xs" c="dimmed" data-testid="recon-total-hint">
        {hint}
      </Text>
    </Card>
  );
}
