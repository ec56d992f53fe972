/** Autotask's error shapes. Business-rule failures are HTTP 500 with `{"errors":[string]}` [DOC][CLIENT]. */
export class AutotaskError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body !== null ? JSON.stringify(body) : String(body));
  }
}

/** 500 `{"errors":[...]}`: the normal answer to validation and business-rule failures. */
export function ruleError(...messages: string[]): AutotaskError {
  return new AutotaskError(500, { errors: messages });
}

/** 405 in the ASP.NET shape Autotask's front end uses [OBS]. */
export function methodNotAllowed(method: string): AutotaskError {
  return new AutotaskError(405, {
    Message: `The requested resource does not support http method '${method}'.`,
  });
}

/** Unknown id: 404. Body UNVERIFIED (apigrate turns any 404 into `{item:null}`). */
export function notFoundItem(): AutotaskError {
  return new AutotaskError(404, { item: null });
}

/** Unknown route: the IIS HTML 404 page [META]. */
export const IIS_404_HTML = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/><title>404 - File or directory not found.</title></head>
<body><div id="header"><h1>Server Error</h1></div>
<div id="content"><div class="content-container"><fieldset>
<h2>404 - File or directory not found.</h2>
<h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
</fieldset></div></div></body></html>
`;

/** Texts of errors the notes quote (kept verbatim) and of the emulator's own choices (see README). */
export const MESSAGES = {
  /** [OBS Kantanna] */
  adjustmentOutsideContract:
    'ContractServiceAdjustment effectiveDate must be between the start date and end date of the Contract referenced by contractID.',
  /** [OBS Kantanna]: observed wording "may be wrapped"; UNVERIFIED beyond this prefix. */
  adjustmentSameDay: 'Attempt to insert duplicate data into contract_service_period.',
  /** [DOC KB370000000540] */
  postedPeriod:
    'Unable to make changes as it would result in the deletion/modification of an already approved and posted contract period.',
  /** [CLIENT apigrate README] */
  zoneNotFound: 'Zone information could not be determined',
  /** [CLIENT apigrate README] */
  integrationCodeInvalid: 'IntegrationCode is invalid.',
  /** [OBS WYRE-AI #46]: also given for a missing required picklist/reference value. Spacing as observed. */
  badReference: (field: string) => `Value does not reference an existing entity for ${field} . `,
  /** SQL Server unique-index text; the reference tool surfaced "Violation of UNIQUE KEY constraint 'IX_service'". */
  duplicateServiceName: (name: string) =>
    `Violation of UNIQUE KEY constraint 'IX_service'. Cannot insert duplicate key in object 'dbo.service'. The duplicate key value is (${name}).`,
  /**
   * "An OR list over 500 conditions is refused with a message starting 'Invalid query syntax.'" (§8.1); the
   * rest is the SOAP threshold page's wording [DOC SOAP thresholds].
   */
  tooManyOr: "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.",
  /** An `in`/`notIn` list is an OR list: same prefix (§8.1), the rest is the emulator's wording. */
  tooManyValues: (op: string) => `Invalid query syntax. The '${op}' operator accepts at most 500 values.`,
} as const;
