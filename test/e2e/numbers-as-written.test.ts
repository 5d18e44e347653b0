import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '../providers/scripted-server.js';
import { readJsonl, runCli, startLoopbackProvider, tempDir, writeSuite } from './helpers.js';

/** The gold answers as the dataset writes them, by input; the model answers exactly that text. */
const ANSWERS: Record<string, string> = { q1: '1.0', q2: '0.10', q3: '1e3', q4: '123456789012345678901' };

function answeringServer() {
  return startLoopbackProvider((_req, body, res) => {
    const question = (JSON.parse(body) as { messages: { content: string }[] }).messages.at(-1)?.content ?? '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion(ANSWERS[question] ?? 'unknown')));
  });
}

describe('numbers in a dataset are scored as the file writes them', () => {
  let provider: Awaited<ReturnType<typeof answeringServer>>;

  beforeAll(async () => {
    provider = await answeringServer();
  });

  afterAll(async () => {
    await provider.close();
  });

  it.each([
    { format: 'JSONL', file: 'data.jsonl', dataset: '{ path: data.jsonl }' },
    {
      format: 'inline YAML',
      file: undefined,
      dataset: `{ cases: [${Object.entries(ANSWERS)
        .map(([q, a]) => `{ input: ${q}, expected: ${a} }`)
        .join(', ')}] }`,
    },
  ])('$format: a model answering 1.0, 0.10, 1e3 and a 21-digit integer is right', async ({ file, dataset }) => {
    const dir = await tempDir();
    if (file) {
      const rows = Object.entries(ANSWERS).map(([q, a]) => `{"input":"${q}","expected":${a}}`);
      await writeSuite(dir, file, `${rows.join('\n')}\n`);
    }
    const suite = await writeSuite(
      dir,
      'suite.yaml',
      `name: numbers
dataset: ${dataset}
task: { kind: generation }
providers:
  local: { base_url: ${provider.url}, max_retries: 0 }
variants:
  v: { role: prompted, provider: local, model: m }
`,
    );
    const { code, stderr } = await runCli(['run', suite, '--out', 'out', '--quiet'], { cwd: dir });
    expect(stderr).toBe('');
    const cases = await readJsonl<{ expected: unknown; output: string; correct: boolean }>(
      join(dir, 'out', 'cases.jsonl'),
    );
    expect(cases.map((c) => [c.expected, c.output, c.correct])).toEqual(
      Object.values(ANSWERS).map((answer) => [answer, answer, true]),
    );
    const results = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8'));
    expect(results.suites[0].variants.v.metrics.accuracy).toBe(1);
    expect(code).toBe(0);
  });
});
