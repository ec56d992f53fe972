import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getProgramSettings, listProgramOptions, saveProgramSettings } from '../../services/sync';
import {
  ProgramOptionsOut,
  ProgramOut,
  ProgramPatch,
  ProgramSavedOut,
} from '../../services/sync/program-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';
import { engineDepsOf, TargetParam } from './sync-schemas';

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
          'the PSA; the charge code for corrections (one-time charges for locked days), when given, an active ' +
          "charge code (Autotask: a Material Cost Code), null for the PSA's default. All are checked when the " +
          'PSA answers; otherwise saved with a warning. Sync on needs a billing code.',
        params: TargetParam,
        body: ProgramPatch,
        response: { 200: ProgramSavedOut, 400: ErrorBody },
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
          'Choices of the settings dropdowns: Recurring Contract Service billing codes, charge codes ' +
          '(Autotask: Material Cost Codes) and Vendor companies',
        params: TargetParam,
        response: {
          200: ProgramOptionsOut,
          502: ErrorBody,
        },
      },
    },
    async (request) => listProgramOptions(deps, sessionOf(request).workspace_id, request.params.target),
  );
};
