import { Badge, type BadgeProps, type MantineColor } from '@mantine/core';
import { forwardRef, type ReactNode } from 'react';

type StatusChipProps = Omit<
  BadgeProps,
  'color' | 'variant' | 'leftSection' | 'children' | 'style' | 'styles'
> & {
  color: MantineColor;
  children: ReactNode;
  /** Replaces the dot, e.g. a spinner while something runs. */
  icon?: ReactNode;
  'data-testid'?: string;
  'data-status'?: string;
  tabIndex?: number;
  'aria-label'?: string;
};

/**
 * A state in words and colour (a run's status, a connection's state, Queued / Running): a tinted label with a dot,
 * in sentence case and without a border, so it never looks like a button (buttons are the upper-case, filled or
 * outlined controls).
 */
export const StatusChip = forwardRef<HTMLDivElement, StatusChipProps>(function StatusChip(
  { color, children, icon, ...props },
  ref,
) {
  return (
    <Badge
      ref={ref}
      color={color}
      variant="light"
      radius="sm"
      tt="none"
      fw={600}
      leftSection={
        icon ?? (
          <span
            aria-hidden
            style={{ display: 'block', width: 7, height: 7, borderRadius: '50%', background: 'currentColor' }}
          />
        )
      }
      style={{ cursor: 'default', flexShrink: 0, overflow: 'visible' }}
      // Mantine's label clips with an ellipsis, which lets a table squeeze a chip to "O…": a state is read whole.
      styles={{ label: { overflow: 'visible' } }}
      {...props}
    >
      {children}
    </Badge>
  );
});
