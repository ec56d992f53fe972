import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';

const OUTCOMES: Record<string, { color: string; title: string; message: string }> = {
  connected: {
    color: 'green',
    title: 'Partner Center connected',
    message: 'The App+User consent is stored; billsync renews it automatically.',
  },
  failed: {
    color: 'red',
    title: 'Partner Center not connected',
    message: 'The sign-in did not complete: the Microsoft CSP card says why.',
  },
  'unknown-state': {
    color: 'red',
    title: 'Partner Center not connected',
    message:
      'The sign-in answer did not match a Connect started here (or it was used already): click Connect again.',
  },
};

/**
 * After the App+User consent, billsync's redirect URI sends the browser to `/connections?partnerCenter=...`:
 * says how it went (a notification, announced), then takes the parameter off the address.
 */
export function useConsentReturn(onReturn: () => void) {
  const [params, setParams] = useSearchParams();
  const outcome = params.get('partnerCenter');
  useEffect(() => {
    if (!outcome) return;
    const look = OUTCOMES[outcome] ?? OUTCOMES.failed!;
    notifications.show({ color: look.color, title: look.title, message: look.message });
    onReturn();
    setParams(
      (p) => {
        p.delete('partnerCenter');
        return p;
      },
      { replace: true },
    );
  }, [outcome, onReturn, setParams]);
}
