import { z } from 'zod';
import { ConsentState, PullRecord } from './model';

/**
 * The API contract of the Microsoft CSP source card (Partner Center in the browser): the server validates and
 * documents `/api/connections/partner-center/*` with these schemas, the web app imports the types (type-only).
 * Pure zod: no database or server code here.
 */

export const SourceStatusOut = z.object({
  /** The stored connection's card state, or null when there is none yet. */
  connection: z
    .object({
      id: z.string(),
      status: z.enum(['unknown', 'connected', 'error', 'needs_setup']),
      statusMessage: z.string().nullable(),
      checkedAt: z.string().nullable(),
    })
    .nullable(),
  settings: z.object({
    mode: z.enum(['api', 'files']).nullable(),
    tenantId: z.string().nullable(),
    clientId: z.string().nullable(),
    authority: z.string().nullable(),
    apiUrl: z.string().nullable(),
  }),
  /** The client secret is write-only: only whether one is stored. */
  clientSecret: z.enum(['set', 'not set']),
  /** The redirect URI to register in the Entra ID app registration (Web platform). */
  redirectUri: z.string(),
  consent: ConsentState.extend({
    daysLeft: z.number().nullable(),
    /** Shown well ahead of the expiry (14 days), or when a reconnect is needed. */
    warning: z.string().nullable(),
  }),
  /** The last (or running) pull, with the state of its job when it was a Pull now. */
  pull: PullRecord.extend({ jobState: z.string().nullable() }).nullable(),
  nextPull: z.object({ at: z.string().nullable(), note: z.string() }),
});

export const SourceInput = z.object({
  settings: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.unknown()).optional(),
});

export const ConsentStartOut = z.object({
  authorizeUrl: z.string(),
  expiresAt: z.string(),
});

export const SourceTestOut = z.object({
  ok: z.boolean(),
  status: z.enum(['unknown', 'connected', 'error', 'needs_setup']),
  message: z.string(),
  source: SourceStatusOut,
});

export const PullQueuedOut = z.object({ jobId: z.string(), alreadyQueued: z.boolean() });

export type SourceStatusWire = z.infer<typeof SourceStatusOut>;
export type SourceInputWire = z.input<typeof SourceInput>;
export type ConsentStartWire = z.infer<typeof ConsentStartOut>;
export type SourceTestWire = z.infer<typeof SourceTestOut>;
export type PullQueuedWire = z.infer<typeof PullQueuedOut>;
