import { Button, Group, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { PageHeader } from '../components/page-header';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <>
      <PageHeader title="Page not found" />
      <Text mb="lg">
        There is no page at{' '}
        <Text span ff="monospace">
          {pathname}
        </Text>
        . It may have moved, or the link is wrong.
      </Text>
      <Group>
        <Button component={Link} to="/">
          Go to the dashboard
        </Button>
      </Group>
    </>
  );
}
