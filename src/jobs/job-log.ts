/** The worker's one line per job (docs/operations.md "What to monitor"). */

const brief = (value: unknown) => {
  const text = JSON.stringify(value) ?? '';
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
};

export const doneLine = (name: string, id: string, ms: number, result: unknown) =>
  `${name} ${id} done in ${ms} ms: ${brief(result)}`;

export function failedLine(
  name: string,
  id: string,
  error: unknown,
  job: { retryCount: number; retryLimit: number },
): string {
  const retry =
    job.retryCount < job.retryLimit
      ? `; retry ${job.retryCount + 1} of ${job.retryLimit} follows`
      : '; no retries left';
  return `${name} ${id} failed: ${error instanceof Error ? error.message : String(error)}${retry}`;
}
