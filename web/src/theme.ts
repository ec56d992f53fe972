import { createTheme } from '@mantine/core';

/** Mantine's default look with billsync's indigo; system fonts (the app may run with no internet). */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  focusRing: 'auto',
  cursorType: 'pointer',
  headings: { fontWeight: '700' },
});
