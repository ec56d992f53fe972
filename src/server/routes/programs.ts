import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  getProgramSettings,
  listProgramOptions,
  ProgramPatch,
  saveProgramSettings,
} from '../../services/sync';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';
import { engineDepsOf, TargetParam } from './sync-schemas';

const ProgramSettingsOut = z.object({
  syncEnabled: z.boolean(),
  mode: z.enum(['all', 'in-use']),
  motions: z.object({ monthly: z.boolean(), annual: z.boolean(), azure: z.boolean() }),
  billingCodeId: z.string().nullable(),
  vendorId: z.string().nullable(),
  namePrefix: z.string(),
  azureMarkupPercent: z.string(),
  emails: z.array(z.string()),
  approvalThresholdPercent: z.number().nullable(),
});

const ProgramOut = z.object({
  target: z.enum(['autotask', 'connectwise']),
  configured: z.boolean(),
  settings: ProgramSettingsOut,
});

const Option = z.object({ id: z.string(), name: z.string() });

/** The Microsoft CSP program of a PSA (spec section 3): viewers read it, admins change it. */
export const programRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const deps = engineDepsOf(ctx);

  app.get(
    '/api/programs/:target',
    {
      schema: {
        tags: ['programs'],
        summary: 'The program settings of a PSA (the defaults until saved)',
        params: TargetParam,
        response: { 200: ProgramOut },
      },
    },
    async (request) => getProgramSettings(deps, sessionOf(request).workspace_id, request.params.target),
  );

  app.put(
    '/api/programs/:target',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['programs'],
        summary: 'Change the program settings; fields left out keep their value',
        description:
          'The billing code must be an active Recurring Contract Service code and the vendor a Vendor company of ' +
          'the PSA (checked when the PSA answers; otherwise saved with a warning). Sync on needs a billing code.',
        params: TargetParam,
        body: ProgramPatch,
        response: { 200: ProgramOut.extend({ warnings: z.array(z.string()) }), 400: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return saveProgramSettings(deps, s.workspace_id, request.params.target, request.body, s.email);
    },
  );

  app.get(
    '/api/programs/:target/options',
    {
      schema: {
        tags: ['programs'],
        summary:
          'Choices of the settings dropdowns: Recurring Contract Service billing codes and Vendor companies',
        params: TargetParam,
        response: {
          200: z.object({ billingCodes: z.array(Option), vendors: z.array(Option) }),
          502: ErrorBody,
        },
      },
    },
    async (request) => listProgramOptions(deps, sessionOf(request).workspace_id, request.params.target),
  );
};
