import { Center, Loader } from '@mantine/core';

/** Full-height spinner while the app finds out who is signed in. */
export function PageLoader({ label = 'Loading' }: { label?: string }) {
  return (
    <Center mih="60vh" role="status" aria-label={label}>
      <Loader />
    </Center>
  );
}
