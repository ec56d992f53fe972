import { z } from 'zod';

/**
 * The API contract of the PSA and source connections (spec section 2), in one place: the server validates and
 * documents its connection routes with these schemas, and the web app takes its wire types from them (type-only
 * imports in web/src/api/types.ts). Keep this file pure zod: no database or server code, so the web project can
 * import it. The lists are checked against the database's at compile time (src/server/routes/sync-schemas.ts).
 */

export const ConnectionKindSchema = z.enum(['autotask', 'connectwise', 'partner-center', 'pax8']);
export const TargetKindSchema = z.enum(['autotask', 'connectwise']);
export const ConnectionStatusSchema = z.enum(['unknown', 'connected', 'error', 'needs_setup']);

/** A connection as the API shows it: secrets only as "set" / "not set". */
export const ConnectionView = z.object({
  id: z.string(),
  kind: ConnectionKindSchema,
  settings: z.record(z.string(), z.unknown()),
  credentials: z.enum(['set', 'not set']),
  status: ConnectionStatusSchema,
  statusMessage: z.string().nullable(),
  checkedAt: z.string().nullable(),
  updatedAt: z.string(),
});

/** `GET /api/connections`. */
export const ConnectionListOut = z.object({ items: z.array(ConnectionView) });

/** What a connection form sends: `settings` are shown back, `secrets` are sealed (omit them to keep the stored). */
export const ConnectionInput = z.object({
  settings: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.unknown()).optional(),
});

/** What the Autotask connect dialog sends (the server checks it with the same rules, services/connections.ts). */
export const AutotaskConnectionInput = z.object({
  settings: z.object({
    username: z.string().trim().min(1, 'the API username is required'),
    zoneUrl: z.string().url().optional(),
  }),
  secrets: z
    .object({
      secret: z.string().min(1, 'the API secret is required'),
      integrationCode: z.string().trim().min(1, 'the API integration code is required'),
    })
    .optional(),
});

/**
 * What the ConnectWise connect dialog sends (decision 0012): site, company id and public key are settings, the
 * private key a secret (the server checks it with the same rules, services/connections.ts).
 */
export const ConnectWiseConnectionInput = z.object({
  settings: z.object({
    site: z.string().trim().min(1, 'the site is required'),
    companyId: z.string().trim().min(1, 'the company id is required'),
    publicKey: z.string().trim().min(1, 'the public key is required'),
  }),
  secrets: z.object({ privateKey: z.string().min(1, 'the private key is required') }).optional(),
});

/** What the Pax8 card sends: the API client id (a setting) and its secret (issue 18; services/connections.ts). */
export const Pax8ConnectionInput = z.object({
  settings: z.object({
    clientId: z.string().trim().min(1, 'the client id is required'),
    apiUrl: z.string().url().optional(),
    tokenUrl: z.string().url().optional(),
    audience: z.string().trim().min(1).optional(),
  }),
  secrets: z.object({ clientSecret: z.string().min(1, 'the client secret is required') }).optional(),
});

/** `POST /api/connections/{kind}/test`: the connection after the test, recorded on its card. */
export const ConnectionTestOut = z.object({
  connection: ConnectionView,
  ok: z.boolean(),
  status: ConnectionStatusSchema,
  message: z.string(),
});

/** `POST /api/connections/{kind}/check`: what the entered credentials would give; nothing is saved or recorded. */
export const ConnectionCheckOut = z.object({
  ok: z.boolean(),
  status: ConnectionStatusSchema,
  message: z.string(),
});

/** Wire types (what the API sends and takes), for the web app. */
export type ConnectionKindWire = z.infer<typeof ConnectionKindSchema>;
export type TargetKindWire = z.infer<typeof TargetKindSchema>;
export type ConnectionStatusWire = z.infer<typeof ConnectionStatusSchema>;
export type ConnectionWire = z.infer<typeof ConnectionView>;
export type ConnectionListWire = z.infer<typeof ConnectionListOut>;
export type ConnectionInputWire = z.input<typeof ConnectionInput>;
export type AutotaskConnectionInputWire = z.input<typeof AutotaskConnectionInput>;
export type ConnectWiseConnectionInputWire = z.input<typeof ConnectWiseConnectionInput>;
export type Pax8ConnectionInputWire = z.input<typeof Pax8ConnectionInput>;
/** What a PSA connect dialog sends (either target). */
export type TargetConnectionInputWire = AutotaskConnectionInputWire | ConnectWiseConnectionInputWire;
export type ConnectionTestWire = z.infer<typeof ConnectionTestOut>;
export type ConnectionCheckWire = z.infer<typeof ConnectionCheckOut>;
