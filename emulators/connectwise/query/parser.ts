import { CONDITION_RULES } from '../http/errors';
import { ConditionError, type Literal, type Token, tokenize } from './lexer';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'like' | 'in';

export interface Comparison {
  kind: 'cmp';
  /** Path segments as written (`company/id` -> ['company', 'id']); matched case-insensitively later. */
  path: string[];
  op: CompareOp;
  /** `not contains`, `not like`, `not in`. */
  negate: boolean;
  /** One literal, or the list of an `in`. */
  value: Literal | Literal[];
}

export type Condition = Comparison | { kind: 'and' | 'or'; left: Condition; right: Condition };

/**
 * Parses ConnectWise's condition language (§2.2):
 * ```
 * expr    := and { OR and }          and := unary { AND unary }
 * unary   := "(" expr ")" | path op value | path [NOT] (CONTAINS|LIKE) value | path [NOT] IN "(" value {"," value} ")"
 * ```
 * AND binds tighter than OR (SQL, which the server translates to). Keywords are case-insensitive.
 */
export function parseConditions(src: string): Condition {
  const tokens = tokenize(src);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    const t = peek();
    throw new ConditionError(
      t
        ? `Expected ${what} at position ${t.pos} of the conditions.`
        : `Expected ${what} at the end of the conditions.`,
    );
  };
  const isWord = (w: string) => {
    const t = peek();
    return t?.kind === 'word' && t.word === w;
  };
  const isPunct = (ch: string) => {
    const t = peek();
    return t?.kind === 'punct' && t.ch === ch;
  };

  const literal = (): Literal => {
    const t = peek();
    if (t?.kind !== 'literal') {
      const shown = t?.kind === 'path' ? ` not '${t.text}'` : '';
      throw new ConditionError(
        `Expected a value${shown}${t ? ` at position ${t.pos}` : ' at the end'}. ${CONDITION_RULES}`,
      );
    }
    i++;
    return t.literal;
  };

  const comparison = (): Condition => {
    const t = peek();
    if (t?.kind !== 'path') return fail('a field name');
    i++;
    const path = (t as Extract<Token, { kind: 'path' }>).text.split('/');
    const next = peek();
    if (next?.kind === 'op') {
      i++;
      return { kind: 'cmp', path, op: next.op, negate: false, value: literal() };
    }
    const negate = isWord('not');
    if (negate) i++;
    const w = peek();
    if (w?.kind !== 'word' || !['contains', 'like', 'in'].includes(w.word)) {
      return fail(negate ? 'contains, like or in after not' : 'an operator');
    }
    i++;
    const op = (w as Extract<Token, { kind: 'word' }>).word as 'contains' | 'like' | 'in';
    if (op !== 'in') return { kind: 'cmp', path, op, negate, value: literal() };
    if (!isPunct('(')) fail("'(' after in");
    i++;
    const values = [literal()];
    while (isPunct(',')) {
      i++;
      values.push(literal());
    }
    if (!isPunct(')')) fail("')' to close the in list");
    i++;
    return { kind: 'cmp', path, op, negate, value: values };
  };

  const unary = (): Condition => {
    if (!isPunct('(')) return comparison();
    i++;
    const inner = orExpr();
    if (!isPunct(')')) fail("')'");
    i++;
    return inner;
  };
  const andExpr = (): Condition => {
    let left = unary();
    while (isWord('and')) {
      i++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  function orExpr(): Condition {
    let left = andExpr();
    while (isWord('or')) {
      i++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  }

  if (tokens.length === 0) throw new ConditionError('The conditions are empty.');
  const tree = orExpr();
  if (i < tokens.length) fail('and, or or the end');
  return tree;
}

/** Every comparison of a tree, in order. */
export function comparisons(c: Condition): Comparison[] {
  return c.kind === 'cmp' ? [c] : [...comparisons(c.left), ...comparisons(c.right)];
}
