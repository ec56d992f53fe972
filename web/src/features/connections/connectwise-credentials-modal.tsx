import { Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { Connection, ConnectWiseConnectionInput } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { useCheckConnection } from './check-connection';
import { useTestConnection } from './connection-queries';
import { TestOutcome } from './connection-test-outcome';

interface ConnectWiseCredentialsModalProps {
  opened: boolean;
  onClose: () => void;
  /** The stored connection when editing (its private key is never sent back: leave it empty to keep it). */
  connection: Connection | undefined;
}

interface Values {
  site: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
}

const stored = (connection: Connection | undefined, key: string) => {
  const value = connection?.settings[key];
  return typeof value === 'string' ? value : '';
};

/**
 * CONNECT NOW for ConnectWise (decision 0012): the site (a host such as `na.myconnectwise.net`, or a URL), the
 * company id and the API member's key pair. Test checks what is entered without saving; Save stores and tests.
 */
export function ConnectWiseCredentialsModal({
  opened,
  onClose,
  connection,
}: ConnectWiseCredentialsModalProps) {
  const hasSecrets = connection?.credentials === 'set';
  const test = useTestConnection('connectwise');
  const check = useCheckConnection('connectwise');
  const [action, setAction] = useState<'test' | 'save'>('save');
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: {
      site: stored(connection, 'site'),
      companyId: stored(connection, 'companyId'),
      publicKey: stored(connection, 'publicKey'),
      privateKey: '',
    },
    validate: {
      site: (v) => (v.trim() ? null : 'Enter the site, e.g. na.myconnectwise.net'),
      companyId: (v) => (v.trim() ? null : 'Enter the company id you sign in with'),
      publicKey: (v) => (v.trim() ? null : 'Enter the API member’s public key'),
      privateKey: (v) => (v || hasSecrets ? null : 'Enter the API member’s private key'),
    },
  });

  const toInput = (values: Values): ConnectWiseConnectionInput => {
    const settings = {
      site: values.site.trim(),
      companyId: values.companyId.trim(),
      publicKey: values.publicKey.trim(),
    };
    // An empty private key on an existing connection: keep the stored one.
    return values.privateKey ? { settings, secrets: { privateKey: values.privateKey } } : { settings };
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
        notifications.show({ color: 'green', title: 'ConnectWise connected', message: result.message });
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
    <Modal opened={opened} onClose={close} title="Connect ConnectWise" size="lg">
      <form onSubmit={save} noValidate aria-label="ConnectWise credentials">
        <Stack>
          <Text size="sm" c="dimmed">
            Use the API keys of a ConnectWise API member (System › Members › API Members). The private key is
            encrypted at rest and never shown again.
          </Text>
          <TextInput
            label="Site"
            description="The host you sign in at, e.g. na.myconnectwise.net (a URL works too)."
            placeholder="na.myconnectwise.net"
            autoComplete="off"
            required
            data-autofocus
            key={form.key('site')}
            {...form.getInputProps('site')}
          />
          <TextInput
            label="Company id"
            autoComplete="off"
            required
            key={form.key('companyId')}
            {...form.getInputProps('companyId')}
          />
          <TextInput
            label="Public key"
            autoComplete="off"
            required
            key={form.key('publicKey')}
            {...form.getInputProps('publicKey')}
          />
          <PasswordInput
            label="Private key"
            autoComplete="new-password"
            required={!hasSecrets}
            placeholder={hasSecrets ? 'Saved: leave empty to keep it' : undefined}
            key={form.key('privateKey')}
            {...form.getInputProps('privateKey')}
          />
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
