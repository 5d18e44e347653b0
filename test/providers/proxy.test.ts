import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeepAliveFetch, proxyEnvironment } from '../../src/providers/http-fetch.js';
import { runCli, startLoopbackProvider, tempDir, writeSuite } from '../e2e/helpers.js';
import { listenOnLoopback } from '../loopback.js';
import { completion } from './scripted-server.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/**
 * A forward proxy on 127.0.0.1, as a corporate one: absolute-form requests are forwarded, CONNECT is
 * tunnelled (or refused with `refuseConnect`). Records every request line it was sent.
 */
async function startProxy(options: { refuseConnect?: boolean } = {}) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = request(req.url as string, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    if (options.refuseConnect) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const [host, port] = (req.url as string).split(':');
    const upstream = connect(Number(port), host as string, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
  });
  const listening = await listenOnLoopback(server);
  closers.push(listening.close);
  return { url: listening.origin, seen };
}

async function answeringProvider() {
  const provider = await startLoopbackProvider((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion('yes')));
  });
  closers.push(provider.close);
  return provider;
}

async function runThrough(env: Record<string, string>) {
  const provider = await answeringProvider();
  const dir = await tempDir('tunegate-proxy-');
  const suite = await writeSuite(
    dir,
    'suite.yaml',
    `name: proxied
dataset: { cases: [{ input: a, expected: "yes" }, { input: b, expected: "yes" }] }
task: { kind: generation }
providers:
  local: { base_url: ${provider.url}, max_retries: 0 }
variants:
  v: { role: prompted, provider: local, model: m }
`,
  );
  const run = await runCli(['run', suite, '--out', 'out', '--quiet', '--no-cache'], { cwd: dir, env });
  return { ...run, providerUrl: provider.url };
}

describe('proxy support', () => {
  it("a run's provider traffic goes through HTTP_PROXY", async () => {
    const proxy = await startProxy();
    const run = await runThrough({ HTTP_PROXY: proxy.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const chats = proxy.seen.filter((line) => line === `POST ${run.providerUrl}/chat/completions`);
    expect(chats).toHaveLength(2);
  });

  it('honours the lower-case names, and NO_PROXY bypasses the proxy', async () => {
    const proxy = await startProxy();
    const lower = await runThrough({ http_proxy: proxy.url });
    expect(lower.code).toBe(0);
    expect(proxy.seen.length).toBeGreaterThanOrEqual(2);
    proxy.seen.length = 0;
    for (const bypass of [{ NO_PROXY: '127.0.0.1' }, { no_proxy: '127.0.0.1' }] as Record<string, string>[]) {
      const direct = await runThrough({ HTTP_PROXY: proxy.url, ...bypass });
      expect(direct.code).toBe(0);
    }
    expect(proxy.seen).toEqual([]);
  });

  it('tunnels https through HTTPS_PROXY with CONNECT', async () => {
    const proxy = await startProxy({ refuseConnect: true });
    const proxiedFetch = createKeepAliveFetch({ HTTPS_PROXY: proxy.url });
    // The proxy refuses the tunnel, so the request fails; what matters is that it asked the proxy first.
    await expect(proxiedFetch('https://127.0.0.1:9/v1/models', {})).rejects.toThrow();
    expect(proxy.seen).toEqual(['CONNECT 127.0.0.1:9']);
  });

  it('sends an upload (a multipart form) through the proxy too, intact', async () => {
    const proxy = await startProxy();
    let received = '';
    let contentType = '';
    const target = await startLoopbackProvider((req, body, res) => {
      received = body;
      contentType = req.headers['content-type'] ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"file-1"}');
    });
    closers.push(target.close);
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob(['{"messages":[]}\n']), 'train.jsonl');
    const answer = await createKeepAliveFetch({ HTTP_PROXY: proxy.url })(`${target.url}/files`, {
      method: 'POST',
      body: form,
    });
    expect(await answer.json()).toEqual({ id: 'file-1' });
    expect(proxy.seen).toEqual([`POST ${target.url}/files`]);
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(received).toContain('name="file"; filename="train.jsonl"');
    expect(received).toContain('{"messages":[]}');
  });

  it('reads only the proxy variables, and none when none is set', () => {
    expect(proxyEnvironment({ PATH: '/bin', OPENAI_API_KEY: 'sk' })).toBeUndefined();
    expect(proxyEnvironment({ https_proxy: 'http://p:1', NO_PROXY: 'x', OPENAI_API_KEY: 'sk' })).toEqual({
      https_proxy: 'http://p:1',
      NO_PROXY: 'x',
    });
  });
});
