import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import type { FineTuneBackend, TrainingJob } from '../../src/providers/fine-tune-types.js';
import { followJob } from '../../src/training/follow.js';

/** A backend whose job goes through `states` one status call at a time, then stays at the last. */
function scripted(states: Omit<TrainingJob, 'backend' | 'id'>[]): FineTuneBackend & { calls: number } {
  const backend = {
    name: 'scripted',
    calls: 0,
    start: () => Promise.reject(new Error('not used')),
    status: async (id: string) => {
      const state = states[Math.min(backend.calls, states.length - 1)];
      backend.calls++;
      return { backend: 'scripted', id, ...structuredClone(state) } as TrainingJob;
    },
  };
  return backend;
}

const e = (at: string, message: string) => ({ at, message });

describe('followJob', () => {
  it('reports each event once, repeats included, and resolves with the final job', async () => {
    const backend = scripted([
      { status: 'queued', events: [e('t1', 'validating')] },
      { status: 'running', events: [e('t1', 'validating'), e('t2', 'step'), e('t2', 'step')] },
      { status: 'running', events: [e('t1', 'validating'), e('t2', 'step'), e('t2', 'step')] },
      {
        status: 'succeeded',
        model: 'ft:x',
        events: [e('t1', 'validating'), e('t2', 'step'), e('t2', 'step'), e('t3', 'done')],
      },
    ]);
    const seen: string[] = [];
    const waits: number[] = [];
    const job = await followJob(backend, 'job-1', {
      intervalMs: 250,
      onEvent: (event) => seen.push(`${event.at} ${event.message}`),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(job).toMatchObject({ id: 'job-1', status: 'succeeded', model: 'ft:x' });
    expect(seen).toEqual(['t1 validating', 't2 step', 't2 step', 't3 done']);
    expect(waits).toEqual([250, 250, 250]);
  });

  it('resolves on a failed job too: the caller decides what failure means', async () => {
    const backend = scripted([{ status: 'failed', events: [e('t1', 'bad file')] }]);
    expect((await followJob(backend, 'j', { sleep: async () => {} })).status).toBe('failed');
    expect(backend.calls).toBe(1);
  });

  it('gives up after timeoutMs with a resumable message', async () => {
    const backend = scripted([{ status: 'running', events: [] }]);
    const error = await followJob(backend, 'job-9', { intervalMs: 20, timeoutMs: 50 }).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(TunegateError);
    expect((error as TunegateError).code).toBe('fine-tune-timeout');
    expect((error as TunegateError).message).toContain('job-9');
    expect(backend.calls).toBeGreaterThanOrEqual(2);
  });

  it('stops when its signal aborts', async () => {
    const backend = scripted([{ status: 'running', events: [] }]);
    const controller = new AbortController();
    const following = followJob(backend, 'j', { intervalMs: 10_000, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error('stopped by the user'));
    await expect(following).rejects.toThrow('stopped by the user');
    expect(backend.calls).toBe(1);
  });
});
