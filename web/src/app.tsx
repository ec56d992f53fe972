import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/charts/styles.css';
import './styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AppLayout } from './components/app-layout';
import { RequireSession } from './features/auth/require-session';
import { SetupGate } from './features/auth/setup-gate';
import { ProgramIndexRedirect, ProgramRoute } from './features/programs/program-route';
import { ReconCustomerPage } from './features/reconciliation/recon-customer-page';
import { ReconciliationPage } from './features/reconciliation/reconciliation-page';
import { TimelinePage } from './features/reconciliation/timeline-page';
import { ConnectionsPage } from './pages/connections-page';
import { CustomersPage } from './pages/customers-page';
import { DashboardPage } from './pages/dashboard-page';
import { HistoryPage } from './pages/history-page';
import { LoginPage } from './pages/login-page';
import { NotFoundPage } from './pages/not-found-page';
import { PriceRulesPage } from './pages/price-rules-page';
import { ProductsPage } from './pages/products-page';
import { ProgramSettingsPage } from './pages/program-settings-page';
import { RunPage } from './pages/run-page';
import { HistoryRedirectPage, RunRedirectPage } from './pages/run-redirect-page';
import { SettingsPage } from './pages/settings-page';
import { SetupPage } from './pages/setup-page';
import { SourcesPage } from './pages/sources-page';
import { createQueryClient } from './query-client';
import { theme } from './theme';

/**
 * Routes. SetupGate first learns whether the database still needs its workspace; RequireSession guards the
 * signed-in pages. A program's pages live under `/programs/:target/csp/` (settings, customers, products,
 * history, history/:runId, reconciliation with its customers and their lines' timelines); `/history/:runId` is
 * the link of notification e-mails.
 */
const router = createBrowserRouter([
  {
    element: <SetupGate />,
    children: [
      { path: '/setup', element: <SetupPage /> },
      { path: '/login', element: <LoginPage /> },
      {
        element: <RequireSession />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, element: <DashboardPage /> },
              { path: 'connections', element: <ConnectionsPage /> },
              { path: 'settings', element: <SettingsPage /> },
              { path: 'sources', element: <SourcesPage /> },
              { path: 'pricing/rules', element: <PriceRulesPage /> },
              {
                path: 'programs/:target/csp',
                element: <ProgramRoute />,
                children: [
                  { index: true, element: <ProgramIndexRedirect /> },
                  { path: 'settings', element: <ProgramSettingsPage /> },
                  { path: 'customers', element: <CustomersPage /> },
                  { path: 'products', element: <ProductsPage /> },
                  { path: 'history', element: <HistoryPage /> },
                  { path: 'history/:runId', element: <RunPage /> },
                  { path: 'reconciliation', element: <ReconciliationPage /> },
                  { path: 'reconciliation/customers/:tenantId', element: <ReconCustomerPage /> },
                  { path: 'reconciliation/customers/:tenantId/timeline', element: <TimelinePage /> },
                ],
              },
              { path: 'history', element: <HistoryRedirectPage /> },
              { path: 'history/:runId', element: <RunRedirectPage /> },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
]);

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      {/* Bottom left, over the navigation's empty end: a toast never covers the button it answers. */}
      <Notifications position="bottom-left" containerWidth={320} />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
