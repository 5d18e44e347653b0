import { createHash } from 'node:crypto';

/**
 * A short, stable name for an idempotency key, safe in file names and resource ids. Where jobs carry no
 * metadata (Together, Azure OpenAI) it travels in the uploaded file's name, so a start with the same key finds
 * that file (no second upload) and the job trained on it; on Fireworks it names the dataset and the job.
 */
export function keyTag(key: string): string {
  return `tunegate-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}
