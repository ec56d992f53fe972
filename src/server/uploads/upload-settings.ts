import type { AppContext } from '../context';

/** A file of an upload, written to a temp file inside the data dir before it is imported. */
export interface StagedUpload {
  /** The temp file: `<data dir>/uploads/upload-XXXXXX/<file name>` (the importer names the file by it). */
  path: string;
  /** The file name as uploaded, made safe for the file system and for display. */
  fileName: string;
  /** Bytes received (at most maxFileBytes: a larger file is cut there and refused). */
  bytes: number;
  /** The file was larger than maxFileBytes. */
  tooLarge: boolean;
}

/** Uploads on the Sources page (README "Configuration"). */
export interface UploadSettings {
  /** The largest file an upload takes, in bytes (BILLSYNC_UPLOAD_MAX_MB, default 512 MB). */
  maxFileBytes: number;
  /** Files per request (the web app sends one per request, for a progress bar each). */
  maxFiles: number;
  /** Tests only: told when a file is on disk, before its import starts (it may inspect the temp file). */
  onStaged?: (file: StagedUpload) => void | Promise<void>;
}

declare module '../context' {
  interface AppContext {
    /** Upload limits; when absent they come from the environment (BILLSYNC_UPLOAD_MAX_MB). */
    uploads?: UploadSettings;
  }
}

export const DEFAULT_UPLOAD_MAX_MB = 512;
export const MAX_FILES_PER_UPLOAD = 20;
const MB = 1024 * 1024;

/** The upload settings from the environment; a bad BILLSYNC_UPLOAD_MAX_MB stops the start with a message. */
export function loadUploadSettings(env: NodeJS.ProcessEnv): UploadSettings {
  const raw = env.BILLSYNC_UPLOAD_MAX_MB;
  const mb = raw === undefined || raw === '' ? DEFAULT_UPLOAD_MAX_MB : Number(raw);
  if (!Number.isFinite(mb) || mb <= 0 || mb > 1024 * 1024) {
    throw new Error(`BILLSYNC_UPLOAD_MAX_MB must be a positive number of megabytes (e.g. 512), got "${raw}"`);
  }
  return { maxFileBytes: Math.round(mb * MB), maxFiles: MAX_FILES_PER_UPLOAD };
}

/** The upload settings of an app context (from the environment when the composition root gave none). */
export function uploadSettingsOf(ctx: AppContext): UploadSettings {
  return ctx.uploads ?? loadUploadSettings(process.env);
}

/** "512 MB", "1.5 MB", "300 KB": a byte limit in words. */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
