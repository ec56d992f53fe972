import type { Connection, Overview, Program, TargetKind } from '../../api/types';
import { CONTRACT_WORD, programPath, TARGET_LABEL } from '../programs/program-paths';

export interface NextStep {
  key: 'connect' | 'program' | 'data' | 'map' | 'sync';
  title: string;
  /** What to do, in words. */
  text: string;
  done: boolean;
  links: { to: string; label: string }[];
}

export const TARGETS: readonly TargetKind[] = ['autotask', 'connectwise'];

/** A PSA connection that works, or works and waits for its program: the PSA is connected. */
export function isConnected(connection: Connection | undefined): boolean {
  return connection?.status === 'connected' || connection?.status === 'needs_setup';
}

/**
 * The PSAs the workspace uses, in a fixed order (Autotask first): connected (or needing its program's setup), or
 * with a saved program. None for a new workspace.
 */
export function usedTargets(
  connections: readonly Connection[] | undefined,
  programs: Partial<Record<TargetKind, Program | undefined>>,
): TargetKind[] {
  return TARGETS.filter(
    (target) => isConnected(connections?.find((c) => c.kind === target)) || !!programs[target]?.configured,
  );
}

/**
 * Whether the program is ready to sync: saved with Sync on and, for Autotask, the billing code every service
 * billsync creates needs. ConnectWise has no billing code field (its catalog subcategory stands for it).
 */
export function programReady(target: TargetKind, program: Program | undefined): boolean {
  const settings = program?.settings;
  if (!program?.configured || !settings?.syncEnabled) return false;
  return target === 'connectwise' || !!settings.billingCodeId;
}

const CONNECT_WHAT: Record<TargetKind, string> = {
  autotask: 'the API user, its secret and integration code',
  connectwise: 'the site, company id, public and private key',
};

const PROGRAM_WHAT: Record<TargetKind, string> = {
  autotask: 'Switch Sync on and choose the billing code (and the vendor) of the products billsync creates.',
  connectwise:
    'Switch Sync on and choose where the catalog items billsync creates go (category, subcategory, product type) and their vendor.',
};

function dataStep(overview: Overview): NextStep {
  const { source } = overview;
  return {
    key: 'data',
    title: 'Get the Microsoft data in',
    text: 'Upload the price list and the invoice files, or connect Partner Center to read them every day.',
    done: source.invoices > 0 && source.priceListEntries > 0,
    links: [
      { to: '/sources', label: 'Upload files' },
      { to: '/connections', label: 'Partner Center' },
    ],
  };
}

/**
 * The first sync with `target`, in the order that works: connect the PSA, configure the program, get the
 * Microsoft data in (upload the files, or Partner Center), map customers, sync. A customer's sync creates the PSA
 * products its invoices need, so no product sync has to come first.
 */
export function nextSteps(
  target: TargetKind,
  connection: Connection | undefined,
  program: Program | undefined,
  overview: Overview,
): NextStep[] {
  const psa = TARGET_LABEL[target];
  const contract = CONTRACT_WORD[target].one;
  const { customers } = overview;
  return [
    {
      key: 'connect',
      title: `Connect ${psa}`,
      text:
        connection?.status === 'error'
          ? `The saved ${psa} credentials do not work: fix them on the Connections page.`
          : `CONNECT NOW on the Connections page: ${CONNECT_WHAT[target]}.`,
      done: isConnected(connection),
      links: [{ to: '/connections', label: 'Connections' }],
    },
    {
      key: 'program',
      title: 'Configure the Microsoft CSP program',
      text: PROGRAM_WHAT[target],
      done: programReady(target, program),
      links: [{ to: programPath(target, 'settings'), label: 'Program settings' }],
    },
    dataStep(overview),
    {
      key: 'map',
      title: 'Map your customers',
      text: `Map each Microsoft customer to its ${psa} company and ${contract} (confirm the suggested matches), and switch its sync on.`,
      done: customers.mapped > 0 && customers.syncOn > 0,
      links: [{ to: programPath(target, 'customers'), label: 'Customers' }],
    },
    {
      key: 'sync',
      title: 'Sync',
      text: `SAVE AND SYNC NOW in the mapping dialog, or Sync now in a customer’s row: billsync creates the products the invoices need, then updates the ${contract}. The daily check keeps it in step from then on.`,
      done: customers.lastSuccessAt !== null,
      links: [{ to: programPath(target, 'history'), label: 'History' }],
    },
  ];
}

/**
 * The first sync of a workspace that uses no PSA yet: connect one (Autotask or ConnectWise), then the same way as
 * above. Until a PSA is chosen the later steps have no page of their own to lead to.
 */
export function firstSteps(connections: readonly Connection[] | undefined, overview: Overview): NextStep[] {
  const failing = TARGETS.filter((t) => connections?.find((c) => c.kind === t)?.status === 'error');
  const failingText = failing.map((t) => TARGET_LABEL[t]).join(' and ');
  return [
    {
      key: 'connect',
      title: 'Connect your PSA',
      text:
        failing.length > 0
          ? `The saved ${failingText} credentials do not work: fix them on the Connections page${failing.length === 1 ? ', or connect the other PSA' : ''}.`
          : `CONNECT NOW on the Connections page, for ${TARGET_LABEL.autotask} (${CONNECT_WHAT.autotask}) or ${TARGET_LABEL.connectwise} (${CONNECT_WHAT.connectwise}).`,
      done: false,
      links: [{ to: '/connections', label: 'Connections' }],
    },
    {
      key: 'program',
      title: 'Configure the Microsoft CSP program',
      text: 'Switch Sync on and choose where the products billsync creates go in your PSA (EDIT on its card).',
      done: false,
      links: [{ to: '/connections', label: 'Connections' }],
    },
    dataStep(overview),
    {
      key: 'map',
      title: 'Map your customers',
      text: 'Map each Microsoft customer to its company and its contract (Autotask) or agreement (ConnectWise) in your PSA, and switch its sync on.',
      done: false,
      links: [],
    },
    {
      key: 'sync',
      title: 'Sync',
      text: 'SAVE AND SYNC NOW in the mapping dialog: billsync creates the products the invoices need, then updates the contract or agreement. The daily check keeps it in step from then on.',
      done: false,
      links: [],
    },
  ];
}
