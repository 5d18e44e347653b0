import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body up to `limit` bytes; beyond it the body is drained and `tooLarge` is called
 * instead, so an oversized upload never sits in memory.
 */
export function readLimitedBody(
  req: IncomingMessage,
  limit: number,
  then: (body: Buffer) => void,
  tooLarge: () => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (data: Buffer) => {
    size += data.length;
    if (size <= limit) chunks.push(data);
  });
  req.on('end', () => {
    if (size > limit) tooLarge();
    else then(Buffer.concat(chunks, size));
  });
}
