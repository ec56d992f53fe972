import { Anchor, Badge, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useId } from 'react';
import { Link } from 'react-router';
import type { NextStep } from './next-steps-model';

/**
 * The dashboard's "Next steps" box: the way to a first sync in the order that works, each step ticked once done
 * and the first open one marked "Next". Hidden once every step is done. `level` is its heading level (3 under a
 * PSA's heading when the workspace uses both PSAs).
 */
export function NextSteps({ steps, level = 2 }: { steps: readonly NextStep[]; level?: 2 | 3 }) {
  const id = useId();
  const next = steps.find((s) => !s.done);
  if (!next) return null;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={id}>
      <Title order={level} fz="h4" id={id} mb="sm">
        Next steps
      </Title>
      <Stack gap="sm" component="ol" m={0} p={0} style={{ listStyle: 'none' }} data-testid="next-steps">
        {steps.map((step, i) => {
          const isNext = step === next;
          return (
            <Group
              key={step.key}
              component="li"
              gap="sm"
              align="flex-start"
              wrap="nowrap"
              data-step={step.key}
              data-done={step.done}
              aria-current={isNext ? 'step' : undefined}
            >
              <ThemeIcon
                radius="xl"
                size={26}
                variant={step.done ? 'light' : isNext ? 'filled' : 'default'}
                color={step.done ? 'green' : 'indigo'}
                aria-hidden
              >
                {step.done ? <IconCheck size={16} /> : <Text size="sm">{i + 1}</Text>}
              </ThemeIcon>
              <Stack gap={2} style={{ flex: 1 }}>
                <Group gap="xs">
                  <Text fw={600} {...(step.done ? { td: 'line-through', c: 'dimmed' } : {})}>
                    {step.title}
                  </Text>
                  {step.done && (
                    <Text size="xs" c="green.8">
                      Done
                    </Text>
                  )}
                  {isNext && (
                    <Badge size="sm" variant="light" tt="none">
                      Next
                    </Badge>
                  )}
                </Group>
                {!step.done && (
                  <Text size="sm" c="dimmed">
                    {step.text}{' '}
                    {step.links.map((l, j) => (
                      <span key={l.to + l.label}>
                        {j > 0 && ' · '}
                        <Anchor component={Link} to={l.to}>
                          {l.label}
                        </Anchor>
                      </span>
                    ))}
                  </Text>
                )}
              </Stack>
            </Group>
          );
        })}
      </Stack>
    </Card>
  );
}
