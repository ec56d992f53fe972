import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROOT, DEMO_HEADERS, q, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

const FORWARD = { ...DEMO_HEADERS, 'pagination-type': 'forward-only' };
const ids = (body: Array<{ id: number }>) => body.map((r) => r.id);

/** The `Link` header as `{rel: query string}`. */
function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(/,\s*(?=<)/)) {
    const m = /^<([^>]*)>;\s*rel="(\w+)"$/.exec(part.trim());
    if (m) out[m[2] as string] = (m[1] as string).split('?')[1] as string;
  }
  return out;
}

describe('navigable paging (page, pageSize, Link)', () => {
  it('defaults to page 1 of 25, ordered by id, with next and last links only', async () => {
    const res = await emu.api('GET', '/company/companies');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(25);
    expect(ids(res.body)).toEqual([...ids(res.body)].sort((a, b) => a - b));
    expect(links(res.headers.get('link'))).toEqual({ next: 'page=2', last: 'page=2' });
    expect(res.headers.get('link')).toContain(
      `<${emu.base}${API_ROOT}/company/companies?page=2>; rel="next"`,
    );
  });

  it('links first/prev/next/last in the middle, keeps the other parameters, and ends with [] past the end', async () => {
    const query = q({ conditions: 'id > 0', pageSize: 7, orderBy: 'name desc' });
    const p2 = await emu.api('GET', `/company/companies?${query}&page=2`);
    const l = links(p2.headers.get('link'));
    expect(Object.keys(l)).toEqual(['first', 'prev', 'next', 'last']);
    expect(l.last).toBe(`${query}&page=5`);
    expect(l.prev).toBe(`${query}&page=1`);
    const names: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const res = await emu.api('GET', `/company/companies?${query}&page=${page}`);
      names.push(...res.body.map((c: { name: string }) => c.name));
    }
    expect(names).toHaveLength(31);
    expect(names).toEqual([...names].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase())));
    const last = await emu.api('GET', `/company/companies?${query}&page=5`);
    expect(Object.keys(links(last.headers.get('link')))).toEqual(['first', 'prev']);
    const past = await emu.api('GET', `/company/companies?${query}&page=9`);
    expect([past.status, past.body]).toEqual([200, []]);
  });

  it('caps pageSize at 1000 and refuses a page or size below 1', async () => {
    const big = await emu.api('GET', '/company/companies?pageSize=5000');
    expect(big.body).toHaveLength(31);
    expect(big.headers.get('link')).toBeNull();
    expect((await emu.api('GET', '/company/companies?page=0')).status).toBe(400);
    expect((await emu.api('GET', '/company/companies?pageSize=0')).status).toBe(400);
    expect((await emu.api('GET', '/company/companies?pageSize=abc')).body.message).toMatch(/pageSize/);
  });

  it('reads parameter names in any case', async () => {
    const res = await emu.api(
      'GET',
      `/company/companies?PageSize=2&Conditions=${encodeURIComponent('isVendorFlag=true')}`,
    );
    expect(ids(res.body)).toEqual([19, 20]);
  });
});

describe('forward-only paging (pagination-type header, pageId)', () => {
  it('walks by id after pageId, linking the next pageId, and ends with an empty Link', async () => {
    const seen: number[] = [];
    let query = 'pageSize=12';
    for (let i = 0; i < 10; i++) {
      const res = await emu.api('GET', `/company/companies?${query}`, undefined, FORWARD);
      seen.push(...ids(res.body));
      const link = res.headers.get('link');
      expect(link).not.toBeNull();
      if (link === '') break;
      query = links(link).next as string;
      expect(query).toBe(`pageSize=12&pageId=${seen.at(-1)}`);
    }
    expect(seen).toHaveLength(31);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('ignores page, refuses orderBy, and with forwardOnlyEnd "no-link" sends no Link at the end', async () => {
    const res = await emu.api('GET', '/company/companies?pageSize=5&page=3&pageId=21', undefined, FORWARD);
    expect(ids(res.body)[0]).toBe(250);
    const ordered = await emu.api('GET', '/company/companies?orderBy=name%20asc', undefined, FORWARD);
    expect(ordered.status).toBe(400);
    await emu.raw('PUT', '/_emulator/rules', { forwardOnlyEnd: 'no-link' });
    const end = await emu.api('GET', '/company/companies?pageSize=1000', undefined, FORWARD);
    expect(end.body).toHaveLength(31);
    expect(end.headers.get('link')).toBeNull();
    await emu.raw('PUT', '/_emulator/rules', { forwardOnlyEnd: 'empty-link' });
  });
});

describe('/count, orderBy and fields', () => {
  it('counts with the same filters, ignoring paging', async () => {
    const res = await emu.api(
      'GET',
      `/company/companies/count?${q({ childConditions: 'types/name="Client"', pageSize: 1 })}`,
    );
    expect(res.body).toEqual({ count: 25 });
    const additions = await emu.api(
      'GET',
      `/finance/agreements/1040/additions/count?${q({ conditions: 'cancelledDate=null' })}`,
    );
    expect(additions.body).toEqual({ count: 1 });
  });

  it('sorts on several keys and on reference fields', async () => {
    const res = await emu.api(
      'GET',
      `/finance/agreements?${q({ orderBy: 'type/name asc, id desc', pageSize: 3, fields: 'id,type/name' })}`,
    );
    expect(res.body.map((a: { type: { name: string } }) => a.type.name)).toEqual([
      'Block Hours',
      'Managed Services',
      'Managed Services',
    ]);
    expect((await emu.api('GET', '/finance/agreements?orderBy=name%20sideways')).status).toBe(400);
    expect((await emu.api('GET', '/finance/agreements?orderBy=nope%20asc')).status).toBe(400);
  });

  it('projects fields, nested with /, and omits _info unless asked', async () => {
    const res = await emu.api(
      'GET',
      `/finance/agreements/1040/additions?${q({ fields: 'id,product/identifier,quantity' })}`,
    );
    expect(res.body).toEqual([{ id: 5500, product: { identifier: 'MANAGED-WS' }, quantity: 5 }]);
    const withInfo = await emu.api(
      'GET',
      `/finance/agreements/1040/additions/5500?${q({ fields: 'id,_info' })}`,
    );
    expect(Object.keys(withInfo.body)).toEqual(['id', '_info']);
    expect((await emu.api('GET', '/finance/agreements?fields=id,bogus')).status).toBe(400);
  });
});
