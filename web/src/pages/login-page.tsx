import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { isApiError } from '../api/api-error';
import { CenteredCard } from '../components/centered-card';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { redirectTarget } from '../features/auth/redirect-target';
import { useLogin } from '../features/auth/use-auth-actions';
import { useSession } from '../features/auth/use-session';
import { useSetupStatus } from '../features/auth/use-setup-status';

const emailPattern = /^[^\s@]+@[^\s@]+$/;

export function LoginPage() {
  useDocumentTitle('Sign in · billsync');
  const location = useLocation();
  const navigate = useNavigate();
  const setup = useSetupStatus();
  const session = useSession();
  const login = useLogin();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (value) => (emailPattern.test(value.trim()) ? null : 'Enter your email address'),
      password: (value) => (value ? null : 'Enter your password'),
    },
  });

  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  if (session.isPending) return <PageLoader />;
  if (session.data) return <Navigate to={redirectTarget(location.state)} replace />;

  const submit = form.onSubmit((values) => {
    login.mutate(
      { email: values.email.trim(), password: values.password },
      { onSuccess: () => navigate(redirectTarget(location.state), { replace: true }) },
    );
  });

  return (
    <CenteredCard title="Sign in" subtitle="Sign in to your billsync workspace.">
      <form onSubmit={submit} noValidate aria-label="Sign in">
        <Stack>
          {login.isError && <LoginError error={login.error} />}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <Button type="submit" fullWidth loading={login.isPending}>
            Sign in
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}

function LoginError({ error }: { error: unknown }) {
  if (isApiError(error, 'rate_limited')) {
    return <ErrorAlert error={error} title="Too many sign-in attempts" />;
  }
  if (isApiError(error, 'invalid_credentials')) {
    return <ErrorAlert error={error} title="Could not sign you in" />;
  }
  return <ErrorAlert error={error} title="Sign-in failed" />;
}
