import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { bufferedResponse, responseHeaders } from './light-response.js';

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
  const send = sendWith(agents, proxyEnv !== undefined);
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

/** What a request needs of its URL, parsed once per distinct URL (a run sends to one or two). */
interface Target {
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
  /** The Host header node would send. */
  host: string;
}

/** Distinct URLs remembered; past this the memo is cleared (URLs with per-call query strings never grow it). */
const MAX_TARGETS = 64;

function targetOf(memo: Map<string, Target>, address: string): Target {
  let target = memo.get(address);
  if (target === undefined) {
    const url = new URL(address);
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    target = {
      secure: url.protocol === 'https:',
      hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      host: url.host,
    };
    if (memo.size >= MAX_TARGETS) memo.clear();
    memo.set(address, target);
  }
  return target;
}

/**
 * Aborts in-flight requests when a long-lived signal shared by all of them (the caller's) fires: one listener
 * per signal, not one added and removed per request.
 */
function createSignalWatch() {
  const watched = new WeakMap<AbortSignal, Set<() => void>>();
  return (signal: AbortSignal, onAbort: () => void): (() => void) => {
    let listeners = watched.get(signal);
    if (listeners === undefined) {
      const set = new Set<() => void>();
      signal.addEventListener('abort', () => {
        for (const listener of [...set]) listener();
      });
      watched.set(signal, set);
      listeners = set;
    }
    listeners.add(onAbort);
    return () => listeners.delete(onAbort);
  };
}

function sendWith(agents: { http: HttpAgent; https: HttpsAgent }, proxied: boolean) {
  const targets = new Map<string, Target>();
  const watch = createSignalWatch();
  return (address: string, init: SendInit | undefined): Promise<Response> => {
    const body = init?.body;
    const target = targetOf(targets, address);
    const signal = init?.signal ?? undefined;
    const caller = (init as CallerAbortableInit | undefined)?.[CALLER_SIGNAL];
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted || caller?.aborted) {
        reject(abortError(signal?.aborted ? signal : caller));
        return;
      }
      const send = target.secure ? httpsRequest : httpRequest;
      const req = send({
        method: init?.method ?? 'GET',
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        headers: requestHeaders(init?.headers, body, target, proxied),
        agent: target.secure ? agents.https : agents.http,
      });
      const onAbort = () => req.destroy(abortError(signal?.aborted ? signal : caller));
      signal?.addEventListener('abort', onAbort, { once: true });
      const unwatch = caller ? watch(caller, onAbort) : null;
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        unwatch?.();
      };
      req.on('error', (error) => {
        done();
        reject(error);
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const contentType = res.headers['content-type'] ?? '';
        if (status === 204 || status === 304) {
          res.resume();
          done();
          resolve(new Response(null, { status, headers: platformHeaders(res) }));
          return;
        }
        if (contentType.startsWith('text/event-stream')) {
          res.on('end', done);
          res.on('error', done);
          resolve(new Response(Readable.toWeb(res) as ReadableStream, { status, headers: platformHeaders(res) }));
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
          resolve(
            bufferedResponse(whole, {
              status,
              statusText: res.statusMessage,
              headers: responseHeaders(res.rawHeaders),
            }),
          );
        });
      });
      req.end(body ?? undefined);
    });
  };
}

/**
 * Request headers as node:http takes them. Without a proxy, a flat name/value list with Host and
 * Content-Length added, which node writes as given (no per-header object store and lookups); through a proxy,
 * an object, so that node can rewrite the request for it. The SDK passes a Headers object: read in place.
 */
function requestHeaders(
  init: RequestInit['headers'],
  body: string | Buffer | null | undefined,
  target: Target,
  proxied: boolean,
): string[] | Record<string, string> {
  const source = init instanceof Headers ? init : new Headers(init);
  const length = body ? String(Buffer.byteLength(body)) : null;
  if (proxied) {
    const headers: Record<string, string> = {};
    source.forEach((value, name) => {
      headers[name] = value;
    });
    if (length !== null) headers['content-length'] = length;
    return headers;
  }
  const flat: string[] = [];
  let host = false;
  source.forEach((value, name) => {
    if (name === 'content-length') return;
    if (name === 'host') host = true;
    flat.push(name, value);
  });
  if (!host) flat.push('host', target.host);
  if (length !== null) flat.push('content-length', length);
  return flat;
}

/** The platform's Headers, for the rare replies handed on as a platform Response (streams, no content). */
function platformHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
