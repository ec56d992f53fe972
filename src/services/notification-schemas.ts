import { z } from 'zod';

/**
 * The API contract of in-app notifications and the e-mail outbox (spec section 7), in one place: the server
 * validates and documents its routes with these schemas, and the web app takes its wire types from them
 * (type-only imports in web/src/api/types.ts). Keep this file pure zod: no database or server code.
 */

export const NotificationOut = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  level: z.enum(['info', 'warning', 'error']),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

/** `GET /api/notifications`: newest first, with the unread count. */
export const NotificationListOut = z.object({ items: z.array(NotificationOut), unread: z.number() });

/** `POST /api/notifications/{id}/read`. */
export const NotificationReadOut = z.object({ notification: NotificationOut, unread: z.number() });

/** `POST /api/notifications/read-all`. */
export const NotificationsReadOut = z.object({ marked: z.number(), unread: z.number() });

export const OutboxOut = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  recipients: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  status: z.enum(['pending', 'sent', 'held', 'failed']),
  error: z.string().nullable(),
  attempts: z.number(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

/** `GET /api/outbox`. */
export const OutboxListOut = z.object({ items: z.array(OutboxOut) });

/** Wire types (what the API sends), for the web app. */
export type NotificationWire = z.infer<typeof NotificationOut>;
export type NotificationListWire = z.infer<typeof NotificationListOut>;
export type NotificationReadWire = z.infer<typeof NotificationReadOut>;
export type NotificationsReadWire = z.infer<typeof NotificationsReadOut>;
export type OutboxWire = z.infer<typeof OutboxOut>;
export type OutboxListWire = z.infer<typeof OutboxListOut>;
