import { ApiError } from '../../api/api-error';
import type { UploadAnswer } from './source-types';

export interface UploadOptions {
  csrfToken: string | null;
  /** The CLI's `--period` (YYYY-MM) and `--issued` (YYYY-MM-DD), for an invoice file. */
  period?: string;
  issued?: string;
  /** The CLI's `--replace`: a corrected invoice that replaces the stored one even where it leaves customers out. */
  replace?: boolean;
  /** Bytes of the request body sent so far. */
  onProgress?: (sent: number, total: number) => void;
  /** Told when the whole body is sent: the server is importing. */
  onSent?: () => void;
}

function failure(xhr: XMLHttpRequest): ApiError {
  if (xhr.status === 0) {
    return new ApiError(0, 'network_error', 'Could not reach the billsync server. Check that it is running.');
  }
  let envelope: { code?: unknown; message?: unknown; details?: unknown } | undefined;
  try {
    envelope = (JSON.parse(xhr.responseText) as { error?: typeof envelope }).error;
  } catch {
    envelope = undefined;
  }
  const code = typeof envelope?.code === 'string' ? envelope.code : `http_${xhr.status}`;
  const message =
    typeof envelope?.message === 'string' && envelope.message
      ? envelope.message
      : `The upload failed (HTTP ${xhr.status}).`;
  return new ApiError(xhr.status, code, message, envelope?.details);
}

/**
 * Sends one file to `POST /api/sources/uploads` as multipart/form-data. XMLHttpRequest, not fetch: only it
 * reports the upload's progress. The browser streams the file from disk; it is never read into the page.
 */
export function uploadFile(file: File, options: UploadOptions): Promise<UploadAnswer> {
  const query = new URLSearchParams();
  if (options.period) query.set('period', options.period);
  if (options.issued) query.set('issued', options.issued);
  if (options.replace) query.set('replace', '1');
  const search = query.toString();
  const url = `/api/sources/uploads${search ? `?${search}` : ''}`;
  const form = new FormData();
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    if (options.csrfToken) xhr.setRequestHeader('x-csrf-token', options.csrfToken);
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.upload.onload = () => options.onSent?.();
    xhr.onerror = () => reject(failure(xhr));
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) return reject(failure(xhr));
      try {
        resolve(JSON.parse(xhr.responseText) as UploadAnswer);
      } catch {
        reject(
          new ApiError(xhr.status, 'bad_answer', 'The server answered the upload with something unreadable.'),
        );
      }
    };
    xhr.send(form);
  });
}
