/**
 * Layer rules of billsync (docs/decisions/0001-architecture.md):
 * - src/core is pure: it imports nothing outside src/core and no node: built-ins.
 * - an adapter (src/targets/<x>, src/sources/<x>) never imports another adapter.
 * - only server/, cli/ and jobs/ wire concrete adapters; engine/ talks to ports.
 * - the product never imports the emulators (they stand in for vendors), and emulators never import the product.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'src/core imports only src/core and pure npm libraries (big.js): no I/O, no node built-ins.',
      from: { path: '^src/core/' },
      to: { pathNot: '^(src/core/|node_modules/)' },
    },
    {
      name: 'core-no-builtins',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'target-adapters-independent',
      severity: 'error',
      comment: 'A target adapter never imports another adapter.',
      from: { path: '^src/targets/([^/]+)/' },
      to: { path: '^src/targets/([^/]+)/', pathNot: '^src/targets/$1/' },
    },
    {
      name: 'source-adapters-independent',
      severity: 'error',
      from: { path: '^src/sources/([^/]+)/' },
      to: { path: '^src/(sources/(?!$1/)[^/]+|targets)/' },
    },
    {
      name: 'engine-uses-ports',
      severity: 'error',
      comment: 'engine/ depends on ports in core, never on a concrete adapter.',
      from: { path: '^src/engine/' },
      to: { path: '^src/(targets|sources)/' },
    },
    {
      name: 'product-not-on-emulators',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^emulators/' },
    },
    {
      name: 'emulators-not-on-product',
      severity: 'error',
      comment: 'An emulator stands in for a vendor; it must not share code with the product it tests.',
      from: { path: '^emulators/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      severity: 'warn',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
