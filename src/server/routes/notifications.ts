import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  getNotificationView,
  listNotificationViews,
  listOutboxViews,
  readAllNotifications,
  readNotification,
} from '../../notifications/notification-views';
import {
  NotificationListOut,
  NotificationOut,
  NotificationReadOut,
  NotificationsReadOut,
  OutboxListOut,
} from '../../services/notification-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody, IdParam } from './schemas';
import { Flag, isOn, paging } from './sync-schemas';

/**
 * In-app notifications (spec section 7: a run with warnings or errors; the header shows the unread count) and the
 * e-mail outbox: every notification e-mail, sent or, without SMTP_URL, held for the app to show.
 */
export const notificationRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Notifications of the workspace, newest first, with the unread count',
        querystring: z.object({ unread: Flag.describe('only unread ones'), ...paging(200, 50) }),
        response: { 200: NotificationListOut },
      },
    },
    async (request) =>
      listNotificationViews(ctx.pool, sessionOf(request).workspace_id, {
        unreadOnly: isOn(request.query.unread),
        limit: request.query.limit,
        offset: request.query.offset,
      }),
  );

  app.get(
    '/api/notifications/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'One notification',
        params: IdParam,
        response: { 200: NotificationOut, 404: ErrorBody },
      },
    },
    async (request) => getNotificationView(ctx.pool, sessionOf(request).workspace_id, request.params.id),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark a notification read; answers the new unread count',
        params: IdParam,
        response: { 200: NotificationReadOut, 404: ErrorBody },
      },
    },
    async (request) => readNotification(ctx.pool, sessionOf(request).workspace_id, request.params.id),
  );

  app.post(
    '/api/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark every notification of the workspace read',
        response: { 200: NotificationsReadOut },
      },
    },
    async (request) => readAllNotifications(ctx.pool, sessionOf(request).workspace_id),
  );

  app.get(
    '/api/outbox',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['notifications'],
        summary: 'Notification e-mails: sent, failed, or held because no SMTP server is configured',
        querystring: z.object(paging(200, 50)),
        response: { 200: OutboxListOut },
      },
    },
    async (request) => ({
      items: await listOutboxViews(ctx.pool, sessionOf(request).workspace_id, request.query),
    }),
  );
};
