import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { Navigate, useNavigate } from 'react-router';
import { CenteredCard } from '../components/centered-card';
import { ErrorAlert } from '../components/error-alert';
import { useSetup } from '../features/auth/use-auth-actions';
import { useSetupStatus } from '../features/auth/use-setup-status';

const minPasswordLength = 10;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function SetupPage() {
  useDocumentTitle('Set up billsync');
  const navigate = useNavigate();
  const setup = useSetupStatus();
  const createWorkspace = useSetup();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { workspaceName: '', email: '', password: '', confirmPassword: '' },
    validate: {
      workspaceName: (value) => (value.trim() ? null : 'Enter a name for your workspace, e.g. your company'),
      email: (value) => (emailPattern.test(value.trim()) ? null : 'Enter a valid email address'),
      password: (value) =>
        value.length >= minPasswordLength ? null : `Use at least ${minPasswordLength} characters`,
      confirmPassword: (value, values) => (value === values.password ? null : 'The passwords do not match'),
    },
  });

  if (setup.data && !setup.data.needed && !createWorkspace.isSuccess) return <Navigate to="/" replace />;

  const submit = form.onSubmit((values) => {
    createWorkspace.mutate(
      { workspaceName: values.workspaceName.trim(), email: values.email.trim(), password: values.password },
      {
        onSuccess: (session) => {
          notifications.show({
            color: 'green',
            title: 'Workspace created',
            message: `Welcome to billsync, ${session.user.email}.`,
          });
          navigate('/', { replace: true });
        },
      },
    );
  });

  return (
    <CenteredCard
      title="Set up billsync"
      subtitle="Create your workspace and its first administrator account."
    >
      <form onSubmit={submit} noValidate aria-label="Set up billsync">
        <Stack>
          {createWorkspace.isError && (
            <ErrorAlert error={createWorkspace.error} title="Could not create the workspace" />
          )}
          <TextInput
            label="Workspace name"
            description="Usually your company's name."
            autoComplete="organization"
            key={form.key('workspaceName')}
            {...form.getInputProps('workspaceName')}
          />
          <TextInput
            label="Email"
            description="The administrator's sign-in address."
            type="email"
            autoComplete="email"
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            description={`At least ${minPasswordLength} characters.`}
            autoComplete="new-password"
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label="Confirm password"
            autoComplete="new-password"
            key={form.key('confirmPassword')}
            {...form.getInputProps('confirmPassword')}
          />
          <Button type="submit" fullWidth loading={createWorkspace.isPending}>
            Create workspace
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}
