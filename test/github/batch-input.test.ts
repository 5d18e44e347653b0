import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchPendingError } from '../../src/api/batch-run.js';
import { reportPending } from '../../src/github/batch-pending.js';
import { getInputs } from '../../src/github/inputs.js';
import { parseOutputs } from '../e2e/action-runner.js';

describe('the batch input', () => {
  afterEach(() => {
    delete process.env.INPUT_BATCH;
  });

  it.each([
    [undefined, undefined],
    ['false', undefined],
    ['true', 'submit'],
    ['wait', 'wait'],
  ])('reads %j as %j', (raw, mode) => {
    if (raw !== undefined) process.env.INPUT_BATCH = raw;
    expect(getInputs().batch).toBe(mode);
  });

  it('refuses anything else, naming the input', () => {
    process.env.INPUT_BATCH = 'later';
    expect(() => getInputs()).toThrow(/input "batch": expected one of false, true, wait, got "later"/);
  });
});

describe('a pending batch in the Action', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it('sets status: pending and passed, writes a notice and a summary, and does not fail the step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tunegate-pending-'));
    process.env.GITHUB_OUTPUT = join(dir, 'output');
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary.md');
    await writeFile(process.env.GITHUB_OUTPUT, '');
    await writeFile(process.env.GITHUB_STEP_SUMMARY, '');
    const stdout: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    process.exitCode = undefined;
    const pending = [
      { provider: 'openai', model: 'gpt-4.1', batch_id: 'batch_1', status: 'in_progress', completed: 3, total: 40 },
    ];
    await reportPending(new BatchPendingError(pending));
    const outputs = parseOutputs(await readFile(process.env.GITHUB_OUTPUT, 'utf8'));
    expect(outputs).toMatchObject({ status: 'pending', passed: 'true' });
    expect(stdout.join('')).toMatch(/::notice::tunegate submitted its calls as batches/);
    expect(await readFile(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toContain(
      'openai gpt-4.1: batch\\_1 in\\_progress (3/40)',
    );
    expect(process.exitCode).toBeUndefined();
  });
});
