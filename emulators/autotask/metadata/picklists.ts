import { picklist } from './types';

/*
 * Picklist values are instance-specific in Autotask; clients must resolve them by label at runtime.
 * These are the emulator's values. Only Companies.companyType 1 = Customer, Contracts.contractType 7 = Recurring
 * Service, Contracts.status 1 = Active and BillingCodes.useType 5 = Recurring Contract Service Code are sourced;
 * every other number is UNVERIFIED (see README "Picklists").
 */

/** Label order from the SOAP AccountType list, numbered 1..7 (one source; others disagree). */
export const COMPANY_TYPE = picklist(
  [1, 'Customer'],
  [2, 'Lead'],
  [3, 'Prospect'],
  [4, 'Dead'],
  [5, 'Cancellation'],
  [6, 'Vendor'],
  [7, 'Partner'],
);
export const COMPANY_TYPE_CUSTOMER = 1;
export const COMPANY_TYPE_VENDOR = 6;

export const CONTRACT_TYPE = picklist(
  [1, 'Time and Materials'],
  [3, 'Fixed Price'],
  [4, 'Block Hours'],
  [6, 'Retainer'],
  [7, 'Recurring Service'],
  [8, 'Per Ticket'],
);
export const CONTRACT_TYPE_RECURRING = 7;

export const CONTRACT_STATUS = picklist([0, 'Inactive'], [1, 'Active']);

/** Shared by Contracts.contractPeriodType and Services.periodType: 2..5 as one live integration used. */
export const PERIOD_TYPE = picklist([2, 'Monthly'], [3, 'Quarterly'], [4, 'Semi-Annual'], [5, 'Yearly']);
export const PERIOD_MONTHS: Record<string, number> = { '2': 1, '3': 3, '4': 6, '5': 12 };

export const CONTRACT_CATEGORY = picklist([1, 'Managed Services'], [2, 'Cloud Services'], [3, 'Support']);

export const BILLING_PREFERENCE = picklist([1, 'Manual'], [2, 'Immediate'], [3, 'Timesheet']);

export const YES_NO_INT = picklist([0, 'No'], [1, 'Yes']);

export const SERVICE_LEVEL_AGREEMENT = picklist(
  [1, 'Standard SLA'],
  [2, 'Premium SLA'],
  [3, 'After Hours SLA'],
);

/** SOAP label order; 5 = Recurring Contract Service Code is the well-supported value. */
export const BILLING_CODE_USE_TYPE = picklist(
  [1, 'General Allocation Code'],
  [2, 'Expense Code'],
  [3, 'Internal Allocation Code'],
  [4, 'Material Cost Code'],
  [5, 'Recurring Contract Service Code'],
  [6, 'Milestone Code'],
  [7, 'Product Code'],
);
export const USE_TYPE_RECURRING_SERVICE = 5;
/** The code a contract charge needs (CIPP filters useType 4 for product charges; SOAP label order). */
export const USE_TYPE_MATERIAL_COST = 4;

export const BILLING_CODE_TYPE = picklist([0, 'Normal'], [1, 'System'], [2, 'Non-Billable']);

export const BILLING_ITEM_TYPE = picklist(
  [1, 'Labor'],
  [2, 'Expense'],
  [3, 'Milestone'],
  [4, 'Product'],
  [5, 'Recurring Contract Service'],
  // Label from the SOAP BillingItem Type list, where it is the 14th value; the number is UNVERIFIED.
  [14, 'Contract Cost'],
);
export const BILLING_ITEM_TYPE_RECURRING_SERVICE = 5;
export const BILLING_ITEM_TYPE_CONTRACT_CHARGE = 14;

/** ContractCharges.chargeType: labels from the UI ("Operational" / "Capitalized"); numbers UNVERIFIED. */
export const CHARGE_TYPE = picklist([1, 'Operational'], [2, 'Capitalized']);

/**
 * ContractCharges.status (optional): the UI's charge fulfilment statuses. Labels and numbers are the
 * emulator's plausible choice (UNVERIFIED); billsync never sends a status.
 */
export const CHARGE_STATUS = picklist(
  [1, 'Need to Order/Fulfill'],
  [2, 'Ordered'],
  [3, 'Back Ordered'],
  [4, 'Partially Received'],
  [5, 'Received'],
  [6, 'Delivered/Shipped Full'],
  [7, 'Canceled'],
);
