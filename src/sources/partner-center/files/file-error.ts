/**
 * A problem in an imported file, precise enough to fix it in a spreadsheet: which file, which row (the header is
 * row 1, the first data row is row 2), which column, the value found and what was expected there.
 */
export interface FileProblem {
  file: string;
  /** The 1-based line of the file the row starts on (the header is row 1; a quoted field may span lines). */
  row: number;
  /** The column's name as the file's header spells it (or the expected name when it is missing). */
  column: string | undefined;
  value: string | undefined;
  expected: string;
}

/** Thrown by the file parsers; the import rolls back everything from the file when one is thrown. */
export class FileParseError extends Error implements FileProblem {
  readonly file: string;
  readonly row: number;
  readonly column: string | undefined;
  readonly value: string | undefined;
  readonly expected: string;

  constructor(problem: FileProblem) {
    super(describeProblem(problem));
    this.name = 'FileParseError';
    this.file = problem.file;
    this.row = problem.row;
    this.column = problem.column;
    this.value = problem.value;
    this.expected = problem.expected;
  }

  toJSON(): FileProblem & { message: string } {
    return {
      file: this.file,
      row: this.row,
      column: this.column,
      value: this.value,
      expected: this.expected,
      message: this.message,
    };
  }
}

function shown(value: string): string {
  const v = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(v);
}

/** `invoice.csv row 7, column "ChargeEndDate": "2025-13-01" is not valid; expected a date (...)`. */
export function describeProblem(p: FileProblem): string {
  const where =
    p.column === undefined ? `${p.file} row ${p.row}` : `${p.file} row ${p.row}, column "${p.column}"`;
  if (p.value === undefined) return `${where}: expected ${p.expected}`;
  if (p.value.trim() === '') return `${where}: the value is empty; expected ${p.expected}`;
  return `${where}: ${shown(p.value)} is not valid; expected ${p.expected}`;
}

/**
 * A whole file refused for what it holds rather than for one of its rows: the message says why and what to do.
 * `code` tells the upload and the CLI which remedy applies.
 */
export class FileRefusedError extends FileParseError {
  constructor(
    file: string,
    message: string,
    expected: string,
    readonly code: 'drops_customers',
  ) {
    super({ file, row: 1, column: undefined, value: undefined, expected });
    this.name = 'FileRefusedError';
    this.message = message;
  }
}

/** What the import history keeps of a file that failed (the upload's answer and `billsync imports` show it). */
export interface FileFailure {
  code: 'bad_file' | FileRefusedError['code'];
  message: string;
  row: number | null;
  column: string | null;
  value: string | null;
  expected: string | null;
}

/** The history's record of a bad file: a refused file has no row to point at; a bad row names its cell. */
export function fileFailureOf(error: FileParseError): FileFailure {
  if (error instanceof FileRefusedError)
    return { code: error.code, message: error.message, row: null, column: null, value: null, expected: null };
  return {
    code: 'bad_file',
    message: error.message,
    row: error.row,
    column: error.column ?? null,
    value: error.value ?? null,
    expected: error.expected,
  };
}
