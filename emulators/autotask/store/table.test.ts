import { describe, expect, it } from 'vitest';
import { Table } from './table';

const ids = (rows: readonly { id: number }[]) => rows.map((r) => r.id);

describe('Table', () => {
  it('keeps its id order and field groups up to date through set, replace, delete and edits in place', () => {
    const t = new Table();
    for (const id of [5, 1, 3]) t.set(id, { id, contractID: id % 2 === 0 ? 20 : 10 });
    expect(ids(t.inIdOrder())).toEqual([1, 3, 5]);
    expect(ids(t.where('contractID', 10))).toEqual([1, 3, 5]);

    t.set(2, { id: 2, contractID: 20 }); // inserted in the middle
    t.set(9, { id: 9, contractID: 10 }); // appended
    expect(ids(t.inIdOrder())).toEqual([1, 2, 3, 5, 9]);
    expect(ids(t.where('contractID', 20))).toEqual([2]);

    t.set(3, { id: 3, contractID: 20 }); // replaced by another row with another key
    expect(ids(t.where('contractID', 10))).toEqual([1, 5, 9]);
    expect(ids(t.where('contractID', 20))).toEqual([2, 3]);
    expect(t.inIdOrder()[2]).toEqual({ id: 3, contractID: 20 });

    t.delete(1);
    expect(ids(t.inIdOrder())).toEqual([2, 3, 5, 9]);
    expect(ids(t.where('contractID', 10))).toEqual([5, 9]);

    const row = t.get(5)!;
    row.contractID = 30; // an edit in place, stored again
    t.set(5, row);
    expect(ids(t.where('contractID', 30))).toEqual([5]);
    expect(ids(t.where('contractID', 10))).toEqual([9]);

    t.clear();
    expect(t.inIdOrder()).toEqual([]);
    expect(t.where('contractID', 20)).toEqual([]);
  });
});
