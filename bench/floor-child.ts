// The floor: a bare loop posting the very request bodies tunegate sends, with the same number of calls in flight,
// over Node's global fetch (the transport the openai SDK uses) or, for reference, node:http. Nothing else: no
// tunegate code, retries, scoring or files, so its CPU and memory are the transport's alone.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { profileTo } from './profiler.js';
import { cpuMsSince, type FloorFigures, type FloorJob, processFigures, readJob, report } from './protocol.js';

type Post = (body: string) => Promise<{ status: number; text: string }>;

const job = readJob<FloorJob>();
const bodies = (await readFile(job.bodies, 'utf8')).split('\n').filter((line) => line !== '');
const endpoint = `${job.url}/chat/completions`;
const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer no-key' };

const postWithFetch: Post = async (body) => {
  const response = await fetch(endpoint, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
};

const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
const postWithHttp: Post = (body) =>
  new Promise((resolve, reject) => {
    const length = String(Buffer.byteLength(body));
    const call = request(
      endpoint,
      { method: 'POST', agent, headers: { ...headers, 'content-length': length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    call.on('error', reject);
    call.end(body);
  });

const post = job.transport === 'http' ? postWithHttp : postWithFetch;
let next = 0;
let failures = 0;

async function worker(): Promise<void> {
  while (next < bodies.length) {
    const { status, text } = await post(bodies[next++] as string);
    const data = JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] };
    if (status !== 200 || typeof data.choices?.[0]?.message?.content !== 'string') failures++;
  }
}

const stopProfiling = await profileTo(job.profile);
const cpuStart = process.cpuUsage();
const start = performance.now();
await Promise.all(Array.from({ length: job.concurrency }, worker));
const wallMs = performance.now() - start;
const loopCpuMs = cpuMsSince(cpuStart);
await stopProfiling();
agent.destroy();
const figures: FloorFigures = {
  calls: bodies.length,
  failures,
  wall_ms: wallMs,
  loop_cpu_ms: loopCpuMs,
  process: processFigures(),
};
report(figures);
