import type { Connection, Overview, Program } from '../../api/types';
import { programPath } from '../programs/program-paths';

export interface NextStep {
  key: 'connect' | 'program' | 'data' | 'map' | 'sync';
  title: string;
  /** What to do, in words. */
  text: string;
  done: boolean;
  links: { to: string; label: string }[];
}

/**
 * The first sync, in the order that works: connect the PSA, configure the program (its billing code), get the
 * Microsoft data in (upload the files, or Partner Center), map customers, sync. A customer's sync creates the PSA
 * products its invoices need, so no product sync has to come first.
 */
export function nextSteps(
  connection: Connection | undefined,
  program: Program | undefined,
  overview: Overview,
): NextStep[] {
  const connected = connection?.status === 'connected' || connection?.status === 'needs_setup';
  const settings = program?.settings;
  const configured = !!program?.configured && !!settings?.billingCodeId && !!settings.syncEnabled;
  const { source, customers } = overview;
  return [
    {
      key: 'connect',
      title: 'Connect Autotask',
      text:
        connection?.status === 'error'
          ? 'The saved credentials do not work: fix them on the Connections page.'
          : 'CONNECT NOW on the Connections page: the API user, its secret and integration code.',
      done: connected,
      links: [{ to: '/connections', label: 'Connections' }],
    },
    {
      key: 'program',
      title: 'Configure the Microsoft CSP program',
      text: 'Switch Sync on and choose the billing code (and the vendor) of the products billsync creates.',
      done: configured,
      links: [{ to: programPath('autotask', 'settings'), label: 'Program settings' }],
    },
    {
      key: 'data',
      title: 'Get the Microsoft data in',
      text: 'Upload the price list and the invoice files, or connect Partner Center to read them every day.',
      done: source.invoices > 0 && source.priceListEntries > 0,
      links: [
        { to: '/sources', label: 'Upload files' },
        { to: '/connections', label: 'Partner Center' },
      ],
    },
    {
      key: 'map',
      title: 'Map your customers',
      text: 'Map each Microsoft customer to its Autotask company and contract (confirm the suggested matches), and switch its sync on.',
      done: customers.mapped > 0 && customers.syncOn > 0,
      links: [{ to: programPath('autotask', 'customers'), label: 'Customers' }],
    },
    {
      key: 'sync',
      title: 'Sync',
      text: 'SAVE AND SYNC NOW in the mapping dialog, or Sync now in a customer’s row: billsync creates the products the invoices need, then updates the contract. The daily check keeps it in step from then on.',
      done: customers.lastSuccessAt !== null,
      links: [{ to: programPath('autotask', 'history'), label: 'History' }],
    },
  ];
}
