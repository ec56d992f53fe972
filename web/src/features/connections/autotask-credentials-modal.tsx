import { Anchor, Button, Collapse, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { AutotaskConnectionInput, Connection } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { useCheckConnection } from './check-connection';
import { useTestConnection } from './connection-queries';
import { TestOutcome } from './connection-test-outcome';

interface AutotaskCredentialsModalProps {
  opened: boolean;
  onClose: () => void;
  /** The stored connection when editing (its secrets are never sent back: leave them empty to keep them). */
  connection: Connection | undefined;
}

interface Values {
  username: string;
  secret: string;
  integrationCode: string;
  zoneUrl: string;
}

const emailLike = /^[^\s@]+@[^\s@]+$/;

function isUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * CONNECT NOW: the Autotask API user's credentials (spec section 2). The zone is discovered from the username;
 * "Advanced" takes a zone URL for sandboxes and emulators. Test checks the credentials with a cheap call.
 */
export function AutotaskCredentialsModal({ opened, onClose, connection }: AutotaskCredentialsModalProps) {
  const hasSecrets = connection?.credentials === 'set';
  const storedZone = typeof connection?.settings.zoneUrl === 'string' ? connection.settings.zoneUrl : '';
  const [advanced, { toggle: toggleAdvanced }] = useDisclosure(storedZone !== '');
  const test = useTestConnection('autotask');
  const check = useCheckConnection('autotask');
  const [action, setAction] = useState<'test' | 'save'>('save');
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: {
      username: typeof connection?.settings.username === 'string' ? connection.settings.username : '',
      secret: '',
      integrationCode: '',
      zoneUrl: storedZone,
    },
    validate: {
      username: (v) => (emailLike.test(v.trim()) ? null : 'Enter the API user’s username (an email address)'),
      secret: (v, values) =>
        v || (hasSecrets && !values.integrationCode) ? null : 'Enter the API user’s secret',
      integrationCode: (v, values) =>
        v.trim() || (hasSecrets && !values.secret)
          ? null
          : 'Enter the API tracking identifier (integration code)',
      zoneUrl: (v) =>
        !v.trim() || isUrl(v.trim())
          ? null
          : 'Enter a full URL, e.g. https://webservices5.autotask.net/ATServicesRest/',
    },
  });

  const toInput = (values: Values): AutotaskConnectionInput => {
    const zoneUrl = values.zoneUrl.trim();
    const settings = { username: values.username.trim(), ...(zoneUrl ? { zoneUrl } : {}) };
    // Both secrets empty on an existing connection: keep the stored ones.
    if (!values.secret && !values.integrationCode.trim()) return { settings };
    return { settings, secrets: { secret: values.secret, integrationCode: values.integrationCode.trim() } };
  };

  // Test checks the entered credentials without saving them: the card keeps its state whatever the answer.
  const runTest = form.onSubmit((values) => {
    setAction('test');
    test.reset();
    check.mutate(toInput(values));
  });

  const save = form.onSubmit((values) => {
    setAction('save');
    check.reset();
    test.mutate(toInput(values), {
      onSuccess: (result) => {
        if (!result.ok) return;
        notifications.show({ color: 'green', title: 'Autotask connected', message: result.message });
        close();
      },
    });
  });

  const close = () => {
    test.reset();
    check.reset();
    onClose();
  };
  const failure = action === 'test' ? check.error : test.error;
  const outcome = action === 'test' ? check.data : test.data;

  return (
    <Modal opened={opened} onClose={close} title="Connect Autotask" size="lg">
      <form onSubmit={save} noValidate aria-label="Autotask credentials">
        <Stack>
          <Text size="sm" c="dimmed">
            Use an Autotask API user (security level “API User (system)” or a copy of it) with its tracking
            identifier. The credentials are encrypted at rest and never shown again.
          </Text>
          <TextInput
            label="API username"
            placeholder="api-user@yourcompany.example"
            autoComplete="off"
            required
            data-autofocus
            key={form.key('username')}
            {...form.getInputProps('username')}
          />
          <PasswordInput
            label="Secret"
            autoComplete="new-password"
            required={!hasSecrets}
            placeholder={hasSecrets ? 'Saved: leave empty to keep it' : undefined}
            key={form.key('secret')}
            {...form.getInputProps('secret')}
          />
          <TextInput
            label="API integration code"
            description="The API tracking identifier of the API user."
            autoComplete="off"
            required={!hasSecrets}
            placeholder={hasSecrets ? 'Saved: leave empty to keep it' : undefined}
            key={form.key('integrationCode')}
            {...form.getInputProps('integrationCode')}
          />
          <div>
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={toggleAdvanced}
              aria-expanded={advanced}
            >
              {advanced ? 'Hide advanced settings' : 'Advanced settings'}
            </Anchor>
            <Collapse in={advanced}>
              <TextInput
                mt="xs"
                label="Zone URL"
                description="Leave empty: billsync finds your zone from the username. Set it for a sandbox or an emulator."
                placeholder="https://webservices5.autotask.net/ATServicesRest/"
                key={form.key('zoneUrl')}
                {...form.getInputProps('zoneUrl')}
              />
            </Collapse>
          </div>
          {failure && <ErrorAlert error={failure} title="Could not test the connection" />}
          {outcome && <TestOutcome result={outcome} saved={action === 'save'} />}
          <Group justify="space-between">
            <Button
              variant="default"
              onClick={() => runTest()}
              loading={check.isPending}
              disabled={test.isPending}
              title="Checks the credentials as entered; nothing is saved"
            >
              Test
            </Button>
            <Group>
              <Button variant="subtle" color="gray" onClick={close}>
                {test.data && !test.data.ok ? 'Close' : 'Cancel'}
              </Button>
              <Button type="submit" loading={test.isPending} disabled={check.isPending}>
                Save
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
