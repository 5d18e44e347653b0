import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CALLER_SIGNAL, createKeepAliveFetch } from '../../src/providers/http-fetch.js';
import { listenOnLoopback } from '../loopback.js';

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A loopback server replying with `status`, `headers` and `body`; records what it was sent. */
async function serve(status: number, headers: [string, string][], body: string) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body: text });
      res.writeHead(status, headers.flat());
      res.end(body);
    });
  });
  const listening = await listenOnLoopback(server);
  closers.push(listening.close);
  return { url: `${listening.origin}/v1/chat`, seen };
}

const JSON_BODY = JSON.stringify({ answer: 'card_arrival', note: 'ü → ✓' });

describe('createKeepAliveFetch', () => {
  it('sends method, headers (from a Headers object or a plain one) and a string body', async () => {
    const server = await serve(200, [['content-type', 'application/json']], JSON_BODY);
    const fetchOverHttp = createKeepAliveFetch();
    const headers = new Headers({ 'content-type': 'application/json', 'x-custom': 'a' });
    await fetchOverHttp(server.url, { method: 'POST', headers, body: '{"q":"ü"}' });
    await fetchOverHttp(server.url, { method: 'POST', headers: { 'X-Other': 'b' }, body: '{}' });
    expect(server.seen[0]).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'a', 'content-length': '10' },
      body: '{"q":"ü"}',
    });
    // node adds Host itself only for headers given as an object; a flat list must carry it.
    expect(server.seen[0]?.headers.host).toBe(new URL(server.url).host);
    expect(server.seen[1]?.headers['x-other']).toBe('b');
  });

  it('gives a Response whose text, json, bytes and headers match the reply', async () => {
    const server = await serve(
      201,
      [
        ['Content-Type', 'application/json'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['X-Tunegate-Simulator', '1'],
      ],
      JSON_BODY,
    );
    const fetchOverHttp = createKeepAliveFetch();
    const response = await fetchOverHttp(server.url);
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.has('x-tunegate-simulator')).toBe(true);
    expect(response.bodyUsed).toBe(false);
    const copy = response.clone();
    expect(await response.text()).toBe(JSON_BODY);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(await copy.json()).toEqual(JSON.parse(JSON_BODY));
    const bytes = await (await fetchOverHttp(server.url)).bytes();
    expect(Buffer.from(bytes).toString('utf8')).toBe(JSON_BODY);
    const buffer = await (await fetchOverHttp(server.url)).arrayBuffer();
    expect(buffer.byteLength).toBe(Buffer.byteLength(JSON_BODY));
  });

  it('serves the same bytes through body, and reads after the stream was taken still work once', async () => {
    const server = await serve(500, [['content-type', 'application/json']], JSON_BODY);
    const fetchOverHttp = createKeepAliveFetch();
    const streamed = await fetchOverHttp(server.url);
    expect(streamed.ok).toBe(false);
    expect(await new Response(streamed.body).text()).toBe(JSON_BODY);
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.text()).rejects.toThrow(TypeError);

    const touched = await fetchOverHttp(server.url);
    expect(touched.body).not.toBeNull(); // looked at, not read
    expect(await touched.text()).toBe(JSON_BODY);
    await expect(touched.json()).rejects.toThrow(TypeError);
  });

  it('passes event streams through as they arrive', async () => {
    const events = 'data: {"a":1}\n\ndata: [DONE]\n\n';
    const server = await serve(200, [['content-type', 'text/event-stream']], events);
    const response = await createKeepAliveFetch()(server.url);
    expect(await response.text()).toBe(events);
  });

  it('answers 204 with an empty body', async () => {
    const server = await serve(204, [], '');
    const response = await createKeepAliveFetch()(server.url);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('rejects with an AbortError when the signal is already aborted', async () => {
    const server = await serve(200, [], '{}');
    const controller = new AbortController();
    controller.abort();
    await expect(createKeepAliveFetch()(server.url, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(server.seen).toHaveLength(0);
  });

  it('aborts every request in flight when the caller signal they share fires, and only those', async () => {
    const seen: string[] = [];
    const server = createServer((req) => {
      seen.push(req.url ?? ''); // never answers
    });
    const listening = await listenOnLoopback(server);
    closers.push(listening.close);
    const base = listening.origin;
    const fetchOverHttp = createKeepAliveFetch();
    const caller = new AbortController();
    const own = new AbortController();
    const shared = { [CALLER_SIGNAL]: caller.signal } as RequestInit;
    const first = fetchOverHttp(`${base}/a`, shared);
    const second = fetchOverHttp(`${base}/b`, shared);
    const apart = fetchOverHttp(`${base}/c`, { signal: own.signal });
    await expect.poll(() => seen.length).toBe(3);
    caller.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    const settled = await Promise.race([
      apart.then(
        () => 'settled',
        () => 'settled',
      ),
      Promise.resolve('pending'),
    ]);
    expect(settled).toBe('pending');
    own.abort();
    await expect(apart).rejects.toMatchObject({ name: 'AbortError' });
  });
});
