/**
 * The sync use cases the HTTP API and the CLI both call, so they cannot drift: PSA connection test, program
 * settings, customers and mappings, the PSA directory for the dropdowns, previews, syncs, runs and adoption.
 * The pieces live in ./sync/.
 */
export {
  actOnRun,
  type CustomerSyncRequest,
  previewCustomers,
  previewProducts,
  type RunAction,
  type SyncRequest,
  startCustomerSync,
  startProductSync,
} from './sync/actions';
export { adoptProduct } from './sync/adopt';
export {
  type ConnectionTest,
  connectTarget,
  refreshSetupStatus,
  statusInWords,
  testTargetConnection,
} from './sync/connect';
export { type ContractCheck, checkContract } from './sync/contract-check';
export {
  type CustomerListInput,
  type CustomerPage,
  type CustomerView,
  getCustomer,
  listCustomers,
} from './sync/customers';
export {
  type CompanyContracts,
  type CompanyOption,
  type ContractOption,
  listCompanies,
  listCompanyContracts,
} from './sync/directory';
export { clearCustomerMapping, MappingInput, resolveCustomerRef, saveCustomerMapping } from './sync/mapping';
export {
  getProgramSettings,
  listProgramOptions,
  type ProgramOptions,
  ProgramPatch,
  type ProgramView,
  saveProgramSettings,
} from './sync/program-settings';
export { type SyncDeps, TARGET_KINDS, TARGET_LABEL } from './sync/psa';
export {
  getRunDetail,
  listRunViews,
  type RunDetail,
  type RunItemView,
  type RunListQuery,
  type RunView,
  toRunView,
} from './sync/run-views';
