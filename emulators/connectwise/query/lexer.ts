import { CONDITION_RULES } from '../http/errors';

/** A malformed `conditions` / `childConditions` / `customFieldConditions` value: answered 400. */
export class ConditionError extends Error {}

export type Token =
  | { kind: 'path'; text: string; pos: number }
  | { kind: 'word'; word: 'and' | 'or' | 'not' | 'contains' | 'like' | 'in'; pos: number }
  | { kind: 'op'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; pos: number }
  | { kind: 'punct'; ch: '(' | ')' | ','; pos: number }
  | { kind: 'literal'; literal: Literal; pos: number };

/** A value of the condition language (§2.2): its kind names appear in the server's error text. */
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'numeric'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'datetime'; value: number; text: string }
  | { kind: 'null' };

const WORDS = new Set(['and', 'or', 'not', 'contains', 'like', 'in']);
const PATH = /[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?![A-Za-z0-9_])/y;
/** `[2016-08-20T18:04:26Z]` [DOC] and `[2026-04-01]` [OBSERVED]: both accepted, UTC. */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?Z?)?$/;

function literalError(text: string, pos: number): ConditionError {
  return new ConditionError(`Unexpected value '${text}' at position ${pos}. ${CONDITION_RULES}`);
}

function readString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  let value = '';
  for (let i = start + 1; i < src.length; i++) {
    const ch = src[i] as string;
    if (ch === '\\' && i + 1 < src.length) {
      value += src[++i];
      continue;
    }
    if (ch === quote) return { value, end: i + 1 };
    value += ch;
  }
  throw new ConditionError(`Unterminated string starting at position ${start}. ${CONDITION_RULES}`);
}

function readDatetime(src: string, start: number): { literal: Literal; end: number } {
  const close = src.indexOf(']', start);
  const text = close === -1 ? src.slice(start) : src.slice(start + 1, close).trim();
  const m = close === -1 ? null : DATETIME.exec(text);
  if (!m) throw literalError(close === -1 ? text : `[${text}]`, start);
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (new Date(ms).toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) throw literalError(`[${text}]`, start);
  return { literal: { kind: 'datetime', value: ms, text }, end: close + 1 };
}

/** Splits a condition string into tokens. Keywords and booleans are case-insensitive (§2.2). */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const pos = i;
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', ch, pos });
      i++;
    } else if (ch === '"' || ch === "'") {
      const s = readString(src, i);
      tokens.push({ kind: 'literal', literal: { kind: 'string', value: s.value }, pos });
      i = s.end;
    } else if (ch === '[') {
      const d = readDatetime(src, i);
      tokens.push({ kind: 'literal', literal: d.literal, pos });
      i = d.end;
    } else if ('=!<>'.includes(ch)) {
      const two = src.slice(i, i + 2);
      const op = two === '!=' || two === '<=' || two === '>=' ? two : ch === '!' ? undefined : ch;
      if (!op) throw new ConditionError(`Unexpected '!' at position ${pos}.`);
      tokens.push({ kind: 'op', op: op as '=' | '!=' | '<' | '<=' | '>' | '>=', pos });
      i += op.length;
    } else {
      NUMBER.lastIndex = i;
      const num = NUMBER.exec(src);
      if (num) {
        tokens.push({ kind: 'literal', literal: { kind: 'numeric', value: Number(num[0]) }, pos });
        i += num[0].length;
        continue;
      }
      PATH.lastIndex = i;
      const word = PATH.exec(src);
      if (!word) throw literalError(src.slice(i).split(/\s/)[0] ?? ch, pos);
      const lower = word[0].toLowerCase();
      if (WORDS.has(lower)) tokens.push({ kind: 'word', word: lower as 'and', pos });
      else if (lower === 'true' || lower === 'false') {
        tokens.push({ kind: 'literal', literal: { kind: 'boolean', value: lower === 'true' }, pos });
      } else if (lower === 'null') tokens.push({ kind: 'literal', literal: { kind: 'null' }, pos });
      else tokens.push({ kind: 'path', text: word[0], pos });
      i += word[0].length;
    }
  }
  return tokens;
}
