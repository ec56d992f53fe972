import { type Decimal, decimalText, parseDecimal, round } from '../../core/money/decimal';
import type { ProductPeriod } from '../../core/ports/target';
import { addDays, type PlainDate, parsePlainDate } from '../../core/time/plain-date';

/*
 * Small pure functions for Autotask's quirks. Each names the rule of docs/vendors/autotask.md (and of
 * ../shared/reference/autotask-api.md) it follows. Error-text quirks are in quirks-errors.ts.
 */

/** Where zone discovery is asked when the caller gives no discovery URL: any zone host answers (§1.2). */
export const DEFAULT_DISCOVERY_URL = 'https://webservices.autotask.net/ATServicesRest/';

/**
 * The API root `https://host/ATServicesRest/V1.0` of a zone URL. zoneInformation's `url` is documented by
 * clients both with and without a trailing slash, and without the version (§1.2, UNVERIFIED format); users may
 * paste any of `https://host`, `https://host/ATServicesRest/`, `.../V1.0/`. Letter case of the path does not
 * matter to Autotask (§1.1) and is kept as given.
 */
export function apiRoot(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/i.test(trimmed)) throw new RangeError(`not an http(s) URL: ${JSON.stringify(url)}`);
  if (/\/atservicesrest\/v1\.0$/i.test(trimmed)) return trimmed;
  if (/\/atservicesrest$/i.test(trimmed)) return `${trimmed}/V1.0`;
  return `${trimmed}/ATServicesRest/V1.0`;
}

/**
 * The endpoints a request counts against for Autotask's thread limit, 3 requests in flight per integration and
 * "object endpoint" (§3.5, [DOC ThreadLimiting]). `path` is relative to the API root or absolute (a nextPageUrl).
 * An entity's own routes (`Services/query`, `Services/12`, `ContractServiceUnits/query/next?...`) count against the
 * entity. Which endpoint a child route (`Contracts/{id}/ServiceAdjustments`) counts against is UNVERIFIED: its
 * entity (ContractServiceAdjustments) or the URL's first segment (Contracts); both are returned, so a client that
 * holds a place under each never exceeds the limit either way (the emulator's `limits.threadEndpoint`). Names are
 * lower case.
 */
export function threadEndpoints(path: string): string[] {
  const rel = path
    .replace(/^https?:\/\/[^/]+/i, '')
    .replace(/[?#].*$/, '')
    .replace(/^\/*(atservicesrest\/)?(v1\.0\/)?/i, '');
  // Autotask's paths are case-insensitive (§1.1): so are the endpoint names returned.
  const [first = '', second, third] = rel.toLowerCase().split('/');
  if (second !== undefined && /^\d+$/.test(second) && third) {
    // Contracts/{id}/Charges is the ContractCharges entity: the parent's singular name, then the segment.
    const singular = first.replace(/ies$/, 'y').replace(/s$/, '');
    return [`${singular}${third}`, first];
  }
  return [first];
}

/** Dates are sent date-only, `YYYY-MM-DD`, as in the documented adjustment example (§6.15): no zone shift. */
export function toAutotaskDate(date: PlainDate): string {
  return date;
}

/** Date-only fields come back as `YYYY-MM-DDT00:00:00Z` (UTC); clients take the first 10 characters (§1.3). */
export function fromAutotaskDate(value: unknown): PlainDate {
  if (typeof value !== 'string') throw new RangeError(`not an Autotask date: ${JSON.stringify(value)}`);
  return parsePlainDate(value.slice(0, 10));
}

export function fromOptionalDate(value: unknown): PlainDate | undefined {
  return value === null || value === undefined || value === '' ? undefined : fromAutotaskDate(value);
}

/** ContractServiceUnits `endDate` is the last billed day (inclusive); the port's segments end half-open. */
export function segmentEnd(inclusiveEnd: unknown): PlainDate {
  return addDays(fromAutotaskDate(inclusiveEnd), 1);
}

/**
 * The decimal text of a JSON number: its shortest round-trip representation (what `String(n)` gives), with
 * exponent notation (`1e-7`, `1.5e21`) written out, because money arrives as JSON floats (§3.3).
 */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  const digits = int + frac;
  const point = int.length + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** An exact decimal from a JSON number (or numeric string); null/absent stays undefined. */
export function jsonDecimal(value: unknown): Decimal | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return parseDecimal(numberText(value));
  if (typeof value === 'string' && value.trim() !== '') return parseDecimal(value);
  throw new RangeError(`not a number: ${JSON.stringify(value)}`);
}

/**
 * A decimal as a JSON number. Autotask takes numbers (§6.7); a value that a double cannot carry exactly is
 * refused rather than silently changed.
 */
export function toJsonNumber(value: Decimal): number {
  const text = decimalText(value);
  const n = Number(text);
  if (numberText(n) !== text) throw new RangeError(`${text} cannot be sent exactly as a JSON number`);
  return n;
}

/**
 * Money compared as Autotask keeps it. UNVERIFIED: service prices are compared to 4 places (SQL decimal(18,4)
 * is the usual column); ContractServiceUnits prices to 2 (the emulator rounds them to cents, §6.16 shows cents).
 */
export function sameMoney(a: Decimal | undefined, b: Decimal | undefined, places: number): boolean {
  if (a === undefined || b === undefined) return a === b;
  return round(a, places, 'half-up').eq(round(b, places, 'half-up'));
}

/** Autotask ids are integers on the wire; the port carries them as strings. */
export function wireId(id: string, what: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new RangeError(`${what} is not an Autotask id: ${JSON.stringify(id)}`);
  return Number(id);
}

export function idText(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  throw new RangeError(`not an Autotask id: ${JSON.stringify(value)}`);
}

/**
 * Picklist labels resolved to the tenant's values at runtime: picklist values are instance-specific (§2.4,
 * §4.1, §4.3); only the labels are stable.
 */
export const PERIOD_LABELS: Record<ProductPeriod, string> = { monthly: 'Monthly', yearly: 'Yearly' };
export const COMPANY_TYPE_LABELS = { customer: 'Customer', vendor: 'Vendor' } as const;

/** Contracts.contractType 7 = Recurring Service (sourced: ContractServices docs, §4.2). */
export const RECURRING_SERVICE_CONTRACT_TYPE = 7;
/**
 * Contracts.contractType 3 = Fixed Price (the same system picklist as 7; annual subscriptions are booked on one as
 * one-time charges, decision 0015).
 */
export const FIXED_PRICE_CONTRACT_TYPE = 3;
/** Contracts.status 1 = Active (§4.2). */
export const ACTIVE_CONTRACT_STATUS = 1;
/** BillingCodes.useType 5 = Recurring Contract Service Code (§4.7). */
export const RECURRING_SERVICE_USE_TYPE = 5;

/** Services.description is 400 characters at most (§4.3); longer product titles are cut, not refused. */
export const SERVICE_DESCRIPTION_MAX = 400;

export function fitText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Service names are unique case-insensitively, trailing spaces ignored (SQL Server collation, §2.2 UNVERIFIED). */
export function sameServiceName(a: string, b: string): boolean {
  const key = (s: string) => s.replace(/\s+$/, '').toLowerCase();
  return key(a) === key(b);
}
