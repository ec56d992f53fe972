import { Badge, Card, SimpleGrid, Table, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { PageHeader } from '../components/page-header';
import { useSignedInSession } from '../features/auth/session-context';

export function SettingsPage() {
  const { user, workspace } = useSignedInSession();
  return (
    <>
      <PageHeader title="Settings" description="Your workspace and your account." />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="settings-workspace">
          <Title order={2} fz="h4" mb="sm" id="settings-workspace">
            Workspace
          </Title>
          <Table variant="vertical" layout="fixed" withRowBorders={false}>
            <Table.Tbody>
              <Row label="Name" testId="settings-workspace-name">
                {workspace.name}
              </Row>
              <Row label="Workspace id">{workspace.id}</Row>
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="settings-user">
          <Title order={2} fz="h4" mb="sm" id="settings-user">
            Signed in as
          </Title>
          <Table variant="vertical" layout="fixed" withRowBorders={false}>
            <Table.Tbody>
              <Row label="Email" testId="settings-user-email">
                {user.email}
              </Row>
              <Row label="Role" testId="settings-user-role">
                <Badge variant="light">{user.role}</Badge>
              </Row>
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
    </>
  );
}

function Row({ label, testId, children }: { label: string; testId?: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      <Table.Td data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Table.Td>
    </Table.Tr>
  );
}
