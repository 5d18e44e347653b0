// The floor: a bare loop over Node's global fetch (the transport the openai SDK uses) posting the very request
// bodies tunegate sends, with the same number of calls in flight. Nothing else: no retries, scoring or files.
import { validateSuites } from '../src/api/validate.js';
import { iteratePlan } from '../src/engine/index.js';
import { cpuMsSince, type FloorFigures, type FloorJob, processFigures, readJob, report } from './protocol.js';

const job = readJob<FloorJob>();
const { suites, problems } = await validateSuites([job.suite], { cwd: process.cwd(), env: {}, requireApiKeys: false });
if (problems.length > 0) throw new Error(`bench suite is invalid: ${JSON.stringify(problems)}`);

// The same body the provider client builds: the variant's params, then model and messages, non-streaming.
const bodies: string[] = [];
for (const call of iteratePlan(suites)) {
  const { params, model } = call.variant;
  bodies.push(JSON.stringify({ ...params, model, messages: call.messages, stream: false }));
}

const endpoint = `${job.url}/chat/completions`;
const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer no-key' };
let next = 0;
let failures = 0;

async function worker(): Promise<void> {
  while (next < bodies.length) {
    const body = bodies[next++];
    const response = await fetch(endpoint, { method: 'POST', headers, body });
    const data = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
    if (!response.ok || typeof data.choices?.[0]?.message?.content !== 'string') failures++;
  }
}

const cpuStart = process.cpuUsage();
const start = performance.now();
await Promise.all(Array.from({ length: job.concurrency }, worker));
const figures: FloorFigures = {
  calls: bodies.length,
  failures,
  wall_ms: performance.now() - start,
  loop_cpu_ms: cpuMsSince(cpuStart),
  process: processFigures(),
};
report(figures);
