/** Where to go after sign-in: the page that sent the user to /login, if it is one of ours. */
export function redirectTarget(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/login') {
    return from;
  }
  return '/';
}
