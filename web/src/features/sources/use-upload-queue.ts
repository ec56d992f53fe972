import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { errorMessage, isApiError } from '../../api/api-error';
import { useSignedInSession } from '../auth/session-context';
import { fetchSession, sessionKey } from '../auth/session-queries';
import { refreshAfterImport } from './source-queries';
import type { UploadedFile } from './source-types';
import { uploadFile } from './upload-request';

export type UploadPhase = 'ready' | 'uploading' | 'importing' | 'done' | 'error';

/** One file on the Sources page: waiting, on its way, being imported, or with its answer. */
export interface UploadEntry {
  id: string;
  file: File;
  phase: UploadPhase;
  sent: number;
  /** Optional invoice dates, as the CLI's --period (YYYY-MM) and --issued (YYYY-MM-DD). */
  period: string;
  issued: string;
  /** Send it as a corrected invoice that replaces the stored one (asked for after a `drops_customers` refusal). */
  replace: boolean;
  result: UploadedFile | undefined;
  /** The request failed as a whole (network, session, refused): nothing was imported. */
  error: string | undefined;
}

let nextId = 0;

/**
 * The files of the Sources page and their uploads. Files are sent one per request, one after the other, each
 * with its own progress; an entry keeps its File (a handle on the user's disk, not its content) so an invoice
 * can be imported again with stated dates.
 */
export function useUploadQueue(maxFileBytes: number | undefined) {
  const session = useSignedInSession();
  const queryClient = useQueryClient();
  const [entries, setEntries] = useState<UploadEntry[]>([]);
  const busy = useRef(false);
  const [running, setRunning] = useState(false);

  const patch = useCallback((id: string, change: Partial<UploadEntry>) => {
    setEntries((all) => all.map((e) => (e.id === id ? { ...e, ...change } : e)));
  }, []);

  const add = useCallback((files: Iterable<File>) => {
    const added = [...files].map(
      (file): UploadEntry => ({
        id: `upload-${++nextId}`,
        file,
        phase: 'ready',
        sent: 0,
        period: '',
        issued: '',
        replace: false,
        result: undefined,
        error: undefined,
      }),
    );
    setEntries((all) => [...all, ...added]);
  }, []);

  const remove = useCallback((id: string) => setEntries((all) => all.filter((e) => e.id !== id)), []);

  const sendOne = async (entry: UploadEntry) => {
    if (maxFileBytes !== undefined && entry.file.size > maxFileBytes) {
      const mb = Math.round(maxFileBytes / 1024 / 1024);
      const error = `${entry.file.name} is larger than the upload limit of ${mb} MB (BILLSYNC_UPLOAD_MAX_MB). Nothing from it was stored.`;
      return patch(entry.id, { phase: 'error', error });
    }
    patch(entry.id, { phase: 'uploading', sent: 0, result: undefined, error: undefined });
    const send = (csrfToken: string | null) =>
      uploadFile(entry.file, {
        csrfToken,
        ...(entry.period ? { period: entry.period } : {}),
        ...(entry.issued ? { issued: entry.issued } : {}),
        ...(entry.replace ? { replace: true } : {}),
        onProgress: (sent) => patch(entry.id, { sent }),
        onSent: () => patch(entry.id, { phase: 'importing', sent: entry.file.size }),
      });
    try {
      let answer: Awaited<ReturnType<typeof uploadFile>>;
      try {
        answer = await send(session.csrfToken);
      } catch (error) {
        // A stale CSRF token (the session was renewed elsewhere): the server did nothing; refresh and send again.
        if (!isApiError(error, 'csrf_failed')) throw error;
        const fresh = await queryClient.fetchQuery({
          queryKey: sessionKey,
          queryFn: fetchSession,
          staleTime: 0,
        });
        answer = await send(fresh?.csrfToken ?? null);
      }
      patch(entry.id, { phase: 'done', result: answer.files[0] });
    } catch (error) {
      patch(entry.id, { phase: 'error', error: errorMessage(error) });
    }
  };

  /** Uploads `ids` (default: every file not sent yet), one after the other; `change` first patches them. */
  const upload = async (ids?: string[], change?: Partial<UploadEntry>) => {
    if (busy.current) return;
    busy.current = true;
    setRunning(true);
    try {
      const todo = entries
        .filter((e) => (ids ? ids.includes(e.id) : e.phase === 'ready'))
        .map((e) => (change ? { ...e, ...change } : e));
      if (change) for (const e of todo) patch(e.id, change);
      for (const entry of todo) await sendOne(entry);
    } finally {
      busy.current = false;
      setRunning(false);
      refreshAfterImport(queryClient);
    }
  };

  return { entries, running, add, remove, patch, upload };
}
