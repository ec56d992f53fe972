import { describe, expect, it } from 'vitest';
import { ConditionError, type Literal, tokenize } from './lexer';
import { type Condition, parseConditions } from './parser';

/** A compact rendering of a tree: `(a = 1 AND b = 'x')`. */
function show(c: Condition): string {
  if (c.kind !== 'cmp') return `(${show(c.left)} ${c.kind.toUpperCase()} ${show(c.right)})`;
  const lit = (l: Literal): string => {
    if (l.kind === 'string') return `'${l.value}'`;
    if (l.kind === 'datetime') return `[${new Date(l.value).toISOString()}]`;
    if (l.kind === 'null') return 'null';
    return String(l.value);
  };
  const value = Array.isArray(c.value) ? `(${c.value.map(lit).join(', ')})` : lit(c.value);
  return `${c.path.join('/')} ${c.negate ? 'not ' : ''}${c.op} ${value}`;
}

describe('condition lexer', () => {
  it('reads every literal form of §2.2', () => {
    const kinds = tokenize(
      `a="x y" b='single' c=-4.5 d=.5 e=TRUE f=False g=null h=[2016-08-20T18:04:26Z] i=[2026-04-01]`,
    )
      .filter((t) => t.kind === 'literal')
      .map((t) => (t.kind === 'literal' ? t.literal : undefined));
    expect(kinds).toEqual([
      { kind: 'string', value: 'x y' },
      { kind: 'string', value: 'single' },
      { kind: 'numeric', value: -4.5 },
      { kind: 'numeric', value: 0.5 },
      { kind: 'boolean', value: true },
      { kind: 'boolean', value: false },
      { kind: 'null' },
      { kind: 'datetime', value: Date.UTC(2016, 7, 20, 18, 4, 26), text: '2016-08-20T18:04:26Z' },
      { kind: 'datetime', value: Date.UTC(2026, 3, 1), text: '2026-04-01' },
    ]);
  });

  it('keeps backslash-escaped quotes inside strings and refuses unterminated ones', () => {
    const [, , value] = tokenize(String.raw`name = "Say \"hi\""`);
    expect(value).toMatchObject({ literal: { kind: 'string', value: 'Say "hi"' } });
    expect(() => tokenize('name = "open')).toThrow(/Unterminated string/);
  });

  it('refuses impossible dates and bracket garbage with the literal rules', () => {
    expect(() => tokenize('d = [2026-02-30]')).toThrow(
      /DateTime values should be enclosed in square brackets/,
    );
    expect(() => tokenize('d = [yesterday]')).toThrow(ConditionError);
  });
});

describe('condition parser', () => {
  it('parses the connectwise-rest README example with AND binding tighter than OR', () => {
    const tree = parseConditions(
      '(contact/name like "Fred%" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z] or summary contains "test" AND  summary != "Some Summary"',
    );
    expect(show(tree)).toBe(
      "(((contact/name like 'Fred%' AND closedFlag = false) AND dateEntered > [2015-12-23T05:53:27.000Z]) OR (summary contains 'test' AND summary != 'Some Summary'))",
    );
  });

  it('parses every operator, negations and in-lists, keywords in any case', () => {
    const tree = parseConditions(
      'a=1 AND b!=2 and c<3 And d<=4 and e>5 and f>=6 and g Contains "x" and h NOT like "y%" and id in (1, 2,3) and id not in ("a") and k not contains "z"',
    );
    expect(show(tree).replace(/[()]/g, '').split(' AND ')).toEqual([
      'a = 1',
      'b != 2',
      'c < 3',
      'd <= 4',
      'e > 5',
      'f >= 6',
      "g contains 'x'",
      "h not like 'y%'",
      'id in 1, 2, 3',
      "id not in 'a'",
      "k not contains 'z'",
    ]);
  });

  it('groups with parentheses', () => {
    expect(show(parseConditions('cancelledDate=null or (cancelledDate>[2025-03-01] and quantity>0)'))).toBe(
      '(cancelledDate = null OR (cancelledDate > [2025-03-01T00:00:00.000Z] AND quantity > 0))',
    );
    expect(show(parseConditions('((a=1))'))).toBe('a = 1');
  });

  it('reports structural errors with a position', () => {
    expect(() => parseConditions('')).toThrow(/empty/);
    expect(() => parseConditions('a =')).toThrow(/Expected a value at the end/);
    expect(() => parseConditions('status = Active')).toThrow(
      /Expected a value not 'Active'.*String values should be enclosed/,
    );
    expect(() => parseConditions('a = 1 b = 2')).toThrow(/Expected and, or or the end at position 6/);
    expect(() => parseConditions('(a = 1')).toThrow(/Expected '\)'/);
    expect(() => parseConditions('a not = 1')).toThrow(/contains, like or in after not/);
    expect(() => parseConditions('id in (1, 2')).toThrow(/close the in list/);
    expect(() => parseConditions('a ! 1')).toThrow(ConditionError);
  });
});
