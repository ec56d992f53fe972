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
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import {
  type SourceInput,
  type SourceStatus,
  useSaveSource,
  useStartConsent,
  useTestSource,
} from './partner-center-queries';

interface Values {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  authority: string;
  apiUrl: string;
}

const isUrl = (text: string) => /^https?:\/\/\S+$/i.test(text);

/**
 * The Partner Center API credentials of the Microsoft CSP source: the Entra ID app (id and secret) of the partner
 * tenant. Connect saves them and sends the browser to Microsoft for the App+User consent; Test checks them.
 */
export function PartnerCenterModal({ status, onClose }: { status: SourceStatus; onClose: () => void }) {
  const s = status.settings;
  const hasSecret = status.clientSecret === 'set';
  const [advanced, { toggle }] = useDisclosure(Boolean(s.authority || s.apiUrl));
  const [action, setAction] = useState<'test' | 'save' | 'connect'>('connect');
  const test = useTestSource();
  const save = useSaveSource();
  const consent = useStartConsent();
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: {
      clientId: s.clientId ?? '',
      clientSecret: '',
      tenantId: s.tenantId ?? '',
      authority: s.authority ?? '',
      apiUrl: s.apiUrl ?? '',
    },
    validate: {
      clientId: (v) => (v.trim() ? null : 'Enter the application (client) id of the app registration'),
      clientSecret: (v) => (v || hasSecret ? null : 'Enter the client secret’s value'),
      tenantId: (v) =>
        v.trim() ? null : 'Enter the partner tenant id (a GUID or its onmicrosoft.com domain)',
      authority: (v) => (!v.trim() || isUrl(v.trim()) ? null : 'Enter a full URL, or leave it empty'),
      apiUrl: (v) => (!v.trim() || isUrl(v.trim()) ? null : 'Enter a full URL, or leave it empty'),
    },
  });

  const toInput = (v: Values): SourceInput => {
    const optional = (key: 'authority' | 'apiUrl') => (v[key].trim() ? { [key]: v[key].trim() } : {});
    const settings = {
      mode: 'api',
      clientId: v.clientId.trim(),
      tenantId: v.tenantId.trim(),
      ...optional('authority'),
      ...optional('apiUrl'),
    };
    return v.clientSecret ? { settings, secrets: { clientSecret: v.clientSecret } } : { settings };
  };
  const run = (which: typeof action) =>
    form.onSubmit((values) => {
      setAction(which);
      const input = toInput(values);
      if (which === 'test') test.mutate(input);
      else if (which === 'save') save.mutate(input, { onSuccess: onClose });
      else consent.mutate(input);
    });
  const busy = (which: typeof action) =>
    action === which && (test.isPending || save.isPending || consent.isPending || consent.isSuccess);
  const error = test.error ?? save.error ?? consent.error;

  return (
    <Modal
      opened
      onClose={onClose}
      title="Connect Microsoft Partner Center"
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form onSubmit={run('connect')} noValidate aria-label="Partner Center credentials">
        <Stack>
          <Text size="sm" c="dimmed">
            Use an app registration of your partner tenant (Web platform) with the Partner Center permission.
            Connect sends you to Microsoft: sign in as an Admin agent (with multi-factor authentication) and
            accept. The secret and the consent are encrypted at rest and never shown again.
          </Text>
          <TextInput
            label="Redirect URI"
            description="Add it as a Web redirect URI of the app registration."
            value={status.redirectUri}
            readOnly
          />
          <TextInput
            label="Application (client) ID"
            required
            data-autofocus
            autoComplete="off"
            key={form.key('clientId')}
            {...form.getInputProps('clientId')}
          />
          <PasswordInput
            label="Client secret"
            required={!hasSecret}
            autoComplete="new-password"
            placeholder={hasSecret ? 'Saved: leave empty to keep it' : undefined}
            visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the secret value' }}
            key={form.key('clientSecret')}
            {...form.getInputProps('clientSecret')}
          />
          <TextInput
            label="Partner tenant ID"
            required
            autoComplete="off"
            key={form.key('tenantId')}
            {...form.getInputProps('tenantId')}
          />
          <div>
            <Anchor component="button" type="button" size="sm" onClick={toggle} aria-expanded={advanced}>
              {advanced ? 'Hide advanced settings' : 'Advanced settings'}
            </Anchor>
            <Collapse in={advanced}>
              <Stack gap="xs" mt="xs">
                <TextInput
                  label="Authority URL"
                  description="Leave empty for Microsoft (https://login.microsoftonline.com); set it for a sandbox."
                  key={form.key('authority')}
                  {...form.getInputProps('authority')}
                />
                <TextInput
                  label="Partner Center API URL"
                  description="Leave empty for Microsoft; set it for a sandbox or an emulator."
                  key={form.key('apiUrl')}
                  {...form.getInputProps('apiUrl')}
                />
              </Stack>
            </Collapse>
          </div>
          {error && <ErrorAlert error={error} title="That did not work" />}
          {test.data && (
            <Alert
              color={test.data.ok ? (test.data.status === 'connected' ? 'green' : 'yellow') : 'red'}
              icon={<IconCircleCheck aria-hidden />}
              title={test.data.ok ? 'The app credentials work' : 'The test failed'}
              data-testid="partner-center-test-result"
            >
              {test.data.message}
            </Alert>
          )}
          <Group justify="space-between">
            <Button variant="default" onClick={() => run('test')()} loading={busy('test')}>
              Test
            </Button>
            <Group>
              <Button variant="subtle" color="gray" onClick={onClose}>
                Cancel
              </Button>
              <Button variant="default" onClick={() => run('save')()} loading={busy('save')}>
                Save
              </Button>
              <Button type="submit" loading={busy('connect')}>
                Connect
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
