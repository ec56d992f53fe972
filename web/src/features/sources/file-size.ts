/** `1.5 MB`, `300 KB`, `12 bytes`. */
export function formatFileSize(bytes: number): string {
  const mb = 1024 * 1024;
  if (bytes >= mb) return `${Number((bytes / mb).toFixed(1)).toLocaleString()} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1)).toLocaleString()} KB`;
  return `${bytes} bytes`;
}
