import { randomBytes } from 'node:crypto';

/** A file part of a multipart/form-data body. */
export interface FilePart {
  name: string;
  content: string | Buffer;
  /** Default `file`. */
  field?: string;
}

/** The opening lines of one file part (its headers). */
export function partHead(boundary: string, name: string, field = 'file'): string {
  return (
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\n` +
    'Content-Type: text/csv\r\n\r\n'
  );
}

export const closing = (boundary: string) => `--${boundary}--\r\n`;

export const newBoundary = () => `----billsync-test-${randomBytes(8).toString('hex')}`;

/** A multipart/form-data body with the files, as a browser sends it, and its content type. */
export function multipartBody(files: FilePart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = newBoundary();
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(partHead(boundary, f.name, f.field)),
      Buffer.from(f.content),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(closing(boundary)));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
