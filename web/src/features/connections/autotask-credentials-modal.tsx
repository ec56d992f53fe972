import {
  Alert,
  Anchor,
  Button,
  Collapse,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import type { AutotaskConnectionInput, Connection, ConnectionTest } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { useTestConnection } from './connection-queries';

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

  const runTest = form.onSubmit((values) => {
    setAction('test');
    test.mutate(toInput(values));
  });

  const save = form.onSubmit((values) => {
    setAction('save');
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
    onClose();
  };

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
          {test.isError && <ErrorAlert error={test.error} title="Could not test the connection" />}
          {test.data && <TestOutcome result={test.data} />}
          <Group justify="space-between">
            <Button variant="default" onClick={() => runTest()} loading={test.isPending && action === 'test'}>
              Test
            </Button>
            <Group>
              <Button variant="subtle" color="gray" onClick={close}>
                {test.data && !test.data.ok ? 'Close' : 'Cancel'}
              </Button>
              <Button type="submit" loading={test.isPending && action === 'save'}>
                Save
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function TestOutcome({ result }: { result: ConnectionTest }) {
  if (result.ok) {
    return (
      <Alert
        color={result.status === 'connected' ? 'green' : 'yellow'}
        icon={<IconCircleCheck aria-hidden />}
        title={result.status === 'connected' ? 'The credentials work' : 'The credentials work: setup needed'}
        data-testid="connection-test-result"
      >
        {result.message}
      </Alert>
    );
  }
  return (
    <ErrorAlert
      error={new Error(`${result.message}. The credentials are saved; fix them and test again.`)}
      title="The test failed"
    />
  );
}
