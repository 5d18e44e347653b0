import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/**
 * A `fetch` for the openai SDK over node:http with keep-alive agents. Node's global fetch (undici)
 * costs about twice the CPU and far more memory per call; at thousands of calls per second that,
 * not the model, becomes the bottleneck. Event streams are passed through as they arrive; other
 * bodies are read whole.
 */
export function createKeepAliveFetch(): typeof fetch {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      // The SDK sends JSON strings for chat completions; anything else goes through the platform fetch.
      return fetch(input, init);
    }
    if (body) headers['content-length'] = String(Buffer.byteLength(body));
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const send = secure ? httpsRequest : httpRequest;
      const req = send(url, { method: init?.method ?? 'GET', headers, agent: secure ? agents.https : agents.http });
      const onAbort = () => req.destroy(abortError(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      req.on('error', (error) => {
        done();
        reject(error);
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const responseHeaders = toHeaders(res);
        if (status === 204 || status === 304) {
          res.resume();
          done();
          resolve(new Response(null, { status, headers: responseHeaders }));
          return;
        }
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.on('end', done);
          res.on('error', done);
          resolve(new Response(Readable.toWeb(res) as ReadableStream, { status, headers: responseHeaders }));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => {
          done();
          reject(error);
        });
        res.on('end', () => {
          done();
          resolve(new Response(Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      });
      req.end(body ?? undefined);
    });
  };
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
