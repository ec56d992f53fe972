import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { pcError } from '../http/errors';
import type { PartnerCenterSeed } from '../seed/read-seed-dir';

const PATH = /^\/v1\.0\/sales\/pricesheets\(Market='([A-Za-z]{2})',PricesheetView='([A-Za-z_]+)'\)\/\$value$/;

/** The header line and the lines of one market (the price list CSV as written, filtered by its Market column). */
function marketCsv(csv: string, market: string): string {
  const rows = parse(csv, { bom: true, raw: true, skip_empty_lines: true }) as unknown as {
    record: string[];
    raw: string;
  }[];
  const [head, ...rest] = rows;
  if (!head) return csv;
  const col = head.record.findIndex((h) => h.trim().toLowerCase() === 'market');
  const keep =
    col === -1
      ? rest
      : rest.filter((r) => (r.record[col] ?? '').trim().toUpperCase() === market.toUpperCase());
  return [head, ...keep]
    .map((r) => r.raw.replace(/\r?\n$/, ''))
    .join('\r\n')
    .concat('\r\n');
}

/**
 * `GET https://api.partner.microsoft.com/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value`:
 * the license-based price list as a CSV download (`application/octet-stream`, `Content-Disposition: attachment`).
 * Only the `updatedlicensebased` view and `timeline=current` are served; no deflate compression.
 */
export function registerPriceSheetRoutes(app: FastifyInstance, deps: { seed: () => PartnerCenterSeed }) {
  app.get('/v1.0/sales/*', async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '');
    const m = PATH.exec(path);
    if (!m) return pcError(reply, 404, '404', `No such resource: ${path}`);
    const [, market, view] = m;
    if (view!.toLowerCase() !== 'updatedlicensebased') {
      return pcError(
        reply,
        400,
        '400',
        `PricesheetView ${view} is not served by the emulator (only updatedlicensebased).`,
      );
    }
    const timeline = (request.query as Record<string, string | undefined>).timeline ?? 'current';
    if (timeline !== 'current')
      return pcError(reply, 400, '400', `timeline ${timeline} is not served by the emulator (only current).`);
    const csv = deps.seed().priceListCsv;
    if (csv === undefined) return pcError(reply, 404, '404', 'No price sheet is available for this market.');
    reply.header('Content-Type', 'application/octet-stream');
    reply.header('Content-Disposition', 'attachment; filename=pricesheet');
    return marketCsv(csv, market!);
  });
}
