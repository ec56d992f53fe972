// Types of pick-runtime.js for the TypeScript that imports it (tests, bench).
export declare const STAMP: string;
export declare function staleness(root: string, dist: string): string | null;
export declare function pickRuntime(
  root: string,
  env: Record<string, string | undefined>,
): { kind: 'dist'; entry: string } | { kind: 'src'; entry: string; reason: string };
