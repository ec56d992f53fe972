import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BillingPeriod, PlainDate } from '../../core/time';
import { AppError } from '../../services/errors';
import { importHistory } from '../../services/sources/import-history';
import {
  ImportHistoryOut,
  UploadLimitsOut,
  UploadOut,
  UploadQuery,
} from '../../services/sources/upload-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { envelope } from '../errors';
import { importStagedFile } from '../uploads/import-upload';
import { discardStaged, stageUploadedFile, sweepStaleUploads } from '../uploads/stage-upload';
import { formatBytes, uploadSettingsOf } from '../uploads/upload-settings';
import { ErrorBody } from './schemas';
import { paging } from './sync-schemas';

/** Multipart framing and the optional form fields, on top of the files. */
const MULTIPART_OVERHEAD = 1024 * 1024;

/** The multipart parser's limit errors, in words. */
function partsError(error: unknown, maxFiles: number): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_FILES_LIMIT')
    return new AppError(
      'bad_request',
      `Send at most ${maxFiles} files at once; the files after that were not read`,
    );
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return new AppError('bad_request', 'The upload has too many form fields: send the files only');
  if (error instanceof Error && /multipart|boundary|Unexpected end of form/i.test(error.message))
    return new AppError(
      'bad_request',
      `The upload is not a well-formed multipart/form-data body: ${error.message}`,
    );
  return error;
}

const declaredLength = (request: FastifyRequest) => Number(request.headers['content-length'] ?? 0) || 0;

/**
 * The Sources page (issue 13): upload the Microsoft CSP files (price list, invoice reconciliation, Azure usage)
 * and the import history. Uploads are streamed to a temp file in the data dir and imported exactly as by
 * `billsync import`; operators and admins upload, everyone reads the history.
 */
export const sourceRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const settings = uploadSettingsOf(ctx);
  const requestLimit = settings.maxFiles * settings.maxFileBytes + MULTIPART_OVERHEAD;
  // Only the routes of this plugin take multipart bodies; a file over the limit is cut and refused, not thrown.
  await app.register(multipart, {
    limits: { fileSize: settings.maxFileBytes, files: settings.maxFiles, fields: 10, fieldSize: 1024 },
    throwFileSizeLimit: false,
  });

  app.get(
    '/api/sources/upload-limits',
    {
      schema: { tags: ['sources'], summary: 'The upload limits', response: { 200: UploadLimitsOut } },
    },
    async () => ({ maxFileBytes: settings.maxFileBytes, maxFiles: settings.maxFiles }),
  );

  app.get(
    '/api/sources/imports',
    {
      schema: {
        tags: ['sources'],
        summary: 'The import history: every file imported or refused, the latest first',
        description:
          'Uploads from the Sources page and imports with `billsync import` (`by` is null for those), with the ' +
          'counts of what was stored, or the error of a file from which nothing was stored.',
        querystring: z.object(paging(200, 50)),
        response: { 200: ImportHistoryOut },
      },
    },
    async (request) => importHistory(ctx.pool, sessionOf(request).workspace_id, request.query),
  );

  app.post(
    '/api/sources/uploads',
    {
      config: { minRole: 'operator' },
      bodyLimit: requestLimit,
      schema: {
        tags: ['sources'],
        summary: 'Upload Microsoft CSP files and import them (multipart/form-data, one or more files)',
        description:
          'Each file part (any field name) is streamed to a temp file in the data dir and imported as by ' +
          '`billsync import`: the kind (price list, invoice reconciliation, Azure usage) comes from the header. ' +
          'The answer has one entry per file: the counts, the invoice and how its dates were settled, or the ' +
          `error naming row and column (nothing from that file is stored). At most ${settings.maxFiles} files ` +
          `of ${formatBytes(settings.maxFileBytes)} each (BILLSYNC_UPLOAD_MAX_MB). \`period\` and \`issued\` ` +
          "state an invoice's dates when the inference from its rows cannot tell.",
        consumes: ['multipart/form-data'],
        querystring: UploadQuery,
        response: { 200: UploadOut, 400: ErrorBody, 403: ErrorBody, 413: ErrorBody },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (!request.isMultipart())
        throw new AppError('bad_request', 'Send the files as multipart/form-data (one part per file)');
      if (declaredLength(request) > requestLimit) {
        return reply
          .status(413)
          .send(
            envelope(
              'bad_request',
              `The upload is too large: at most ${settings.maxFiles} files of ${formatBytes(settings.maxFileBytes)} each (BILLSYNC_UPLOAD_MAX_MB)`,
            ),
          );
      }
      void sweepStaleUploads(ctx.config.dataDir).catch(() => {});
      const overrides = {
        ...(request.query.period ? { period: request.query.period as BillingPeriod } : {}),
        ...(request.query.issued ? { issued: request.query.issued as PlainDate } : {}),
        ...(request.query.replace === 'true' || request.query.replace === '1' ? { replace: true } : {}),
      };
      const files = [];
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file') continue;
          const staged = await stageUploadedFile(ctx.config.dataDir, part);
          try {
            await settings.onStaged?.(staged);
            files.push(await importStagedFile(ctx, settings, session, staged, overrides, request.log));
          } finally {
            await discardStaged(staged);
          }
        }
      } catch (error) {
        throw partsError(error, settings.maxFiles);
      }
      if (files.length === 0)
        throw new AppError('bad_request', 'The upload has no file: add one or more files');
      return { files };
    },
  );
};
