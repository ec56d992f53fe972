import { describe, expect, it } from 'vitest';
import { type Row, RowTable } from './state';

const row = (id: number, agreementId: number, name = `r${id}`): Row =>
  ({ id, agreementId, name, _meta: {} }) as unknown as Row;
const ids = (rows: Row[]) => rows.map((r) => r.id);

describe('RowTable', () => {
  it('lists the rows of one parent as a scan would, through sets, replacements and deletes', () => {
    const t = new RowTable();
    t.set(3, row(3, 10));
    t.set(1, row(1, 20));
    expect(ids(t.byField('agreementId', 10))).toEqual([3]);
    // Indexed from now on: later writes keep it right.
    t.set(2, row(2, 10));
    t.set(5, row(5, 10));
    t.set(3, row(3, 10, 'patched'));
    t.set(1, row(1, 10));
    t.delete(5);
    const scan = (v: number) => [...t.values()].filter((r) => r.agreementId === v);
    for (const v of [10, 20, 30]) expect(t.byField('agreementId', v)).toEqual(scan(v));
    expect(t.byField('agreementId', 10).find((r) => r.id === 3)?.name).toBe('patched');
    expect(ids(t.byField('agreementId', 10))).toEqual([3, 1, 2]);
    t.clear();
    expect(t.byField('agreementId', 10)).toEqual([]);
    t.set(7, row(7, 10));
    expect(ids(t.byField('agreementId', 10))).toEqual([7]);
  });
});
