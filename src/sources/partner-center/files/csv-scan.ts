import { FileParseError } from './file-error';

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * The largest record the CSV reader accepts. Microsoft's files have rows of a few hundred characters (46 columns
 * at most) and their longest values (Azure usage AdditionalInfo/Tags JSON) a few thousand, so these leave a wide
 * margin while a broken file (a line end missing, a quote never closed) is refused at its row at once, instead
 * of being read to its end as one ever-growing record.
 */
export interface CsvLimits {
  /** Characters of one record, its quoting included. */
  maxRecordChars: number;
  /** Characters of one value (a quoted value between its quotes, doubled quotes counted twice). */
  maxFieldChars: number;
  /** Values of one record. */
  maxFields: number;
}

export const MAX_RECORD_CHARS = 1_000_000;
export const MAX_FIELD_CHARS = 100_000;
export const MAX_FIELDS = 1_000;
export const DEFAULT_CSV_LIMITS: CsvLimits = {
  maxRecordChars: MAX_RECORD_CHARS,
  maxFieldChars: MAX_FIELD_CHARS,
  maxFields: MAX_FIELDS,
};

/** The complete records of a text: field bounds (a quoted field's start stored as `-(start + 1)`), rows, lines. */
export interface ScannedRecords {
  text: string;
  bounds: Int32Array;
  /** Index into `bounds` where each row starts, plus one final entry (length = rows + 1). */
  rowStarts: number[];
  /** The file line each row starts on (1-based). */
  lines: number[];
  /** The incomplete last record, for the next chunk. */
  rest: string;
  nextLine: number;
}

const count = (n: number) => n.toLocaleString('en-US');

function refuse(file: string, row: number, expected: string): never {
  throw new FileParseError({ file, row, column: undefined, value: undefined, expected });
}

/**
 * Scans the complete records of `s`; the incomplete tail is returned as `rest` for the next chunk. Every field
 * and record is checked against the limits as soon as its length is known, complete or not.
 */
export function scanRecords(
  s: string,
  final: boolean,
  startLine: number,
  file: string,
  max: CsvLimits,
): ScannedRecords {
  // A typed array: its storage is outside the JS heap, so the young-generation GC neither scans nor copies it
  // (a number[] of ~90 entries per row was most of what parsing allocated).
  let bounds = new Int32Array(64 + Math.ceil(s.length / 5));
  let nb = 0;
  const rowStarts: number[] = [];
  const lines: number[] = [];
  const n = s.length;
  let line = startLine;
  let recordLine = startLine;
  let recordStart = 0;
  let rowStart = 0;
  let i = 0;
  let comma = s.indexOf(',');
  let nl = s.indexOf('\n');
  const tooLong = (length: number, open: boolean) => {
    if (length <= max.maxFieldChars) return;
    const field = (nb - rowStart) / 2 + 1;
    const hint = open ? 'is a double quote not closed?' : 'is a line end missing?';
    refuse(
      file,
      recordLine,
      `a value of at most ${count(max.maxFieldChars)} characters (field ${field} is longer: ${hint})`,
    );
  };
  const push = (start: number, end: number, length: number, open: boolean) => {
    tooLong(length, open);
    if ((nb - rowStart) / 2 >= max.maxFields)
      refuse(file, recordLine, `a row of at most ${count(max.maxFields)} fields (is a line end missing?)`);
    if (nb + 2 > bounds.length) {
      const grown = new Int32Array(bounds.length * 2);
      grown.set(bounds);
      bounds = grown;
    }
    bounds[nb++] = start;
    bounds[nb++] = end;
  };
  while (i < n) {
    if (s.charCodeAt(i) === QUOTE) {
      let q = i + 1;
      let closed = false;
      for (;;) {
        q = s.indexOf('"', q);
        if (q === -1 || q + 1 >= n) break;
        if (s.charCodeAt(q + 1) === QUOTE) {
          q += 2;
          continue;
        }
        closed = true;
        break;
      }
      if (!closed) {
        tooLong(n - i - 1, true);
        if (final) refuse(file, recordLine, 'a closing double quote (") for a quoted field');
        break;
      }
      push(-(i + 1) - 1, q, q - i - 1, true);
      if (nl !== -1 && nl < i) nl = s.indexOf('\n', i);
      if (nl !== -1 && nl < q) line += countNewlines(s, nl, q);
      const fieldEnd = q + 1;
      const c = s.charCodeAt(fieldEnd);
      if (c === COMMA) {
        i = fieldEnd + 1;
        continue;
      }
      const k = c === CR ? fieldEnd + 1 : fieldEnd;
      if (s.charCodeAt(k) !== LF) {
        if (k >= n && !final) break;
        refuse(file, recordLine, 'a comma or the end of the line after a closing double quote');
      }
      i = k + 1;
    } else {
      if (comma !== -1 && comma < i) comma = s.indexOf(',', i);
      if (nl !== -1 && nl < i) nl = s.indexOf('\n', i);
      if (comma !== -1 && (nl === -1 || comma < nl)) {
        push(i, comma, comma - i, false);
        i = comma + 1;
        continue;
      }
      if (nl === -1) {
        tooLong(n - i, false);
        break;
      }
      const end = nl > i && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      push(i, end, end - i, false);
      i = nl + 1;
    }
    if (i - recordStart > max.maxRecordChars) refuse(file, recordLine, recordTooLong(max));
    // End of a record: keep it unless it is a blank line.
    const blank = nb - rowStart === 2 && bounds[rowStart] === bounds[rowStart + 1];
    if (blank) nb = rowStart;
    else {
      rowStarts.push(rowStart);
      lines.push(recordLine);
    }
    line += 1;
    recordLine = line;
    recordStart = i;
    rowStart = nb;
  }
  if (n - recordStart > max.maxRecordChars) refuse(file, recordLine, recordTooLong(max));
  rowStarts.push(rowStart);
  return {
    text: s,
    bounds: bounds.subarray(0, rowStart),
    rowStarts,
    lines,
    rest: s.slice(recordStart),
    nextLine: recordLine,
  };
}

const recordTooLong = (max: CsvLimits) =>
  `a row of at most ${count(max.maxRecordChars)} characters (this one is longer: is a line end missing, or a double quote not closed?)`;

function countNewlines(s: string, from: number, to: number): number {
  let newlines = 0;
  for (let p = s.indexOf('\n', from); p !== -1 && p < to; p = s.indexOf('\n', p + 1)) newlines += 1;
  return newlines;
}
