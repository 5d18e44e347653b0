import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/**
 * A request option (a symbol key of RequestInit) with a second signal that aborts the request, besides
 * `signal`. The caller's signal rides here, in the SDK's per-request `fetchOptions` (which it copies onto
 * the RequestInit), rather than in the SDK's own `signal` option: the SDK's bookkeeping for one long-lived
 * signal shared by every request costs about a seventh of the CPU of a call.
 */
export const CALLER_SIGNAL = Symbol('tunegate.callerSignal');
export type CallerAbortableInit = RequestInit & { [CALLER_SIGNAL]?: AbortSignal };

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

/**
 * The proxy settings of `env` as node's agents take them (`proxyEnv`, Node ≥ 24.5: absolute-form requests
 * for http, CONNECT tunnels for https, NO_PROXY honoured), or undefined when none is set.
 */
export function proxyEnvironment(env: Record<string, string | undefined>): Record<string, string> | undefined {
  const set = PROXY_VARIABLES.filter((name) => env[name]).map((name) => [name, env[name] as string]);
  return set.length > 0 ? Object.fromEntries(set) : undefined;
}

/**
 * A `fetch` for the openai SDK over node:http with keep-alive agents. Node's global fetch (undici)
 * costs about twice the CPU and far more memory per call; at thousands of calls per second that,
 * not the model, becomes the bottleneck. Event streams are passed through as they arrive; other
 * bodies are read whole. Requests go through the proxy `env` names (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
 */
export function createKeepAliveFetch(env: Record<string, string | undefined> = {}): typeof fetch {
  const proxyEnv = proxyEnvironment(env);
  const options = { keepAlive: true, ...(proxyEnv ? { proxyEnv } : {}) };
  const agents = { http: new HttpAgent(options), https: new HttpsAgent(options) };
  const send = sendWith(agents);
  return (input, init) => {
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      // The SDK sends JSON strings for chat completions; a form or bytes (an upload) is encoded whole first,
      // so it takes the same agents (and proxy). A stream is left to the platform's fetch.
      if (body instanceof ReadableStream) return fetch(input, init);
      const request = new Request(input, init);
      return request
        .arrayBuffer()
        .then((bytes) => send(request.url, { ...init, headers: request.headers, body: Buffer.from(bytes) }));
    }
    return send(input instanceof Request ? input.url : String(input), init as SendInit | undefined);
  };
}

type SendInit = Omit<RequestInit, 'body'> & { body?: string | Buffer | null };

function sendWith(agents: { http: HttpAgent; https: HttpsAgent }) {
  return (target: string, init: SendInit | undefined): Promise<Response> => {
    const body = init?.body;
    const url = new URL(target);
    const secure = url.protocol === 'https:';
    const headers = plainHeaders(init?.headers);
    if (body) headers['content-length'] = String(Buffer.byteLength(body));
    const signal = init?.signal ?? undefined;
    const caller = (init as CallerAbortableInit | undefined)?.[CALLER_SIGNAL];
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted || caller?.aborted) {
        reject(abortError(signal?.aborted ? signal : caller));
        return;
      }
      const send = secure ? httpsRequest : httpRequest;
      const req = send(url, { method: init?.method ?? 'GET', headers, agent: secure ? agents.https : agents.http });
      const onAbort = () => req.destroy(abortError(signal?.aborted ? signal : caller));
      signal?.addEventListener('abort', onAbort, { once: true });
      caller?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        caller?.removeEventListener('abort', onAbort);
      };
      req.on('error', (error) => {
        done();
        reject(error);
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const { headers: responseHeaders, contentType } = toHeaders(res);
        if (status === 204 || status === 304) {
          res.resume();
          done();
          resolve(new Response(null, { status, headers: responseHeaders }));
          return;
        }
        if (contentType.startsWith('text/event-stream')) {
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
          const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          resolve(bufferedResponse(whole, { status, headers: responseHeaders }));
        });
      });
      req.end(body ?? undefined);
    });
  };
}

/** Request headers as node:http takes them. The SDK passes a Headers object: read it in place, not copied. */
function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  const source = init instanceof Headers ? init : new Headers(init);
  source.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/** Response headers from the raw name/value list (skips node building its own header object first). */
function toHeaders(res: IncomingMessage): { headers: Headers; contentType: string } {
  const headers = new Headers();
  let contentType = '';
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    headers.append(name, value);
    if (contentType === '' && name.length === 12 && name.toLowerCase() === 'content-type') contentType = value;
  }
  return { headers, contentType };
}

/**
 * Response, typed without its body members so the subclass below can redefine them (the DOM typings declare
 * them as properties; at run time they are accessors and methods on Response.prototype, which it overrides).
 */
const ResponseWithoutBody: new (
  body: null,
  init: ResponseInit,
) => Omit<Response, 'body' | 'bodyUsed' | 'text' | 'json' | 'arrayBuffer' | 'bytes' | 'blob' | 'clone' | 'formData'> =
  Response;

function bufferedResponse(bytes: Buffer, init: ResponseInit): Response {
  return new BufferedResponse(bytes, init) as unknown as Response;
}

/**
 * A Response over a body already read whole. The SDK reads every JSON response with text(); decoding the
 * buffer directly skips the web stream (and its promises) a Response body otherwise goes through, several
 * times the cost of the decoding itself. `body` still gives a stream of the same bytes (made on first use),
 * and a body can be consumed once, as with any Response.
 */
class BufferedResponse extends ResponseWithoutBody {
  #bytes: Buffer;
  #consumed = false;
  #stream: ReadableStream<Uint8Array> | null = null;

  constructor(bytes: Buffer, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }

  get body(): ReadableStream<Uint8Array> {
    this.#stream ??= new Response(this.#bytes).body as ReadableStream<Uint8Array>;
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#consumed || (this.#stream?.locked ?? false);
  }

  /** The bytes, once: a second read fails like fetch's own. Once `body` was handed out, reads go through it. */
  #take(): Promise<Buffer> {
    if (this.bodyUsed) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#consumed = true;
    if (this.#stream !== null) return new Response(this.#stream).arrayBuffer().then((data) => Buffer.from(data));
    return Promise.resolve(this.#bytes);
  }

  text(): Promise<string> {
    return this.#take().then((bytes) => bytes.toString('utf8'));
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes().then((bytes) => bytes.buffer as ArrayBuffer);
  }

  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    // A copy: the buffer may be a slice of node's shared pool.
    return this.#take().then((bytes) => new Uint8Array(bytes));
  }

  blob(): Promise<Blob> {
    return this.bytes().then((bytes) => new Blob([bytes], { type: this.headers.get('content-type') ?? '' }));
  }

  formData(): Promise<FormData> {
    return this.#take().then((bytes) => new Response(bytes, { headers: this.headers }).formData());
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    return bufferedResponse(this.#bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
