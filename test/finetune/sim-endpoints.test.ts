import { describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { parseSimConfig } from '../../src/sim/index.js';
import { startBankingSim } from './helpers.js';

describe('simulator config: fine_tuning', () => {
  it('accepts the fine_tuning keys', () => {
    const fine_tuning = { steps: 5, accuracy: 0.8, accuracy_by_suffix: { intents: 0.95 }, permission_denied: false };
    expect(parseSimConfig({ fine_tuning }, 'sim.yaml').fine_tuning).toEqual(fine_tuning);
  });

  it('reports every bad fine_tuning key', () => {
    let error: unknown;
    try {
      parseSimConfig(
        {
          fine_tuning: {
            steps: 1.5,
            accuracy: 2,
            accuracy_by_suffix: { a: 'high' },
            permission_denied: 'yes',
            speed: 1,
          },
        },
        'sim.yaml',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TunegateError);
    const message = (error as TunegateError).message;
    expect(message).toContain('5 problems');
    for (const path of [
      'fine_tuning.steps',
      'fine_tuning.accuracy:',
      'fine_tuning.accuracy_by_suffix.a',
      'fine_tuning.permission_denied',
      'fine_tuning.speed',
    ]) {
      expect(message).toContain(path);
    }
  });
});

describe('simulator files and jobs endpoints', () => {
  async function upload(url: string, text: string, path = '/files') {
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new File([text], 'train.jsonl'));
    return fetch(`${url}${path}`, { method: 'POST', body: form });
  }

  it('stores a multipart upload and serves its metadata', async () => {
    const { sim } = await startBankingSim();
    const response = await upload(sim.url, '{"a":1}\n{"a":2}\n\n{"a":3}\n');
    expect(response.status).toBe(200);
    const file = (await response.json()) as { id: string; bytes: number; filename: string; purpose: string };
    expect(file).toMatchObject({ object: 'file', bytes: 25, filename: 'train.jsonl', purpose: 'fine-tune' });
    expect(await (await fetch(`${sim.url}/files/${file.id}`)).json()).toEqual(file);
    expect((await fetch(`${sim.url}/files/file-nope`)).status).toBe(404);
    const noFile = await fetch(`${sim.url}/files`, { method: 'POST', body: new FormData() });
    expect(noFile.status).toBe(400);
    expect(sim.stats.training.files_uploaded).toBe(1);
  });

  it('rejects a job on an unknown file and lists jobs newest first with after/limit', async () => {
    const { sim } = await startBankingSim();
    const create = (body: unknown) =>
      fetch(`${sim.url}/fine_tuning/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await create({ model: 'm', training_file: 'file-missing' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_training_file');
    const { id: fileId } = (await (await upload(sim.url, 'x\n'.repeat(10))).json()) as { id: string };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(((await (await create({ model: 'm', training_file: fileId })).json()) as { id: string }).id);
    const first = (await (await fetch(`${sim.url}/fine_tuning/jobs?limit=2`)).json()) as {
      data: { id: string }[];
      has_more: boolean;
    };
    expect(first.data.map((j) => j.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    const rest = (await (await fetch(`${sim.url}/fine_tuning/jobs?limit=2&after=${ids[1]}`)).json()) as {
      data: { id: string }[];
    };
    expect(rest.data.map((j) => j.id)).toEqual([ids[0]]);
    // Listing does not advance a job; retrieving does.
    const events = async () =>
      ((await (await fetch(`${sim.url}/fine_tuning/jobs/${ids[0]}/events`)).json()) as { data: { message: string }[] })
        .data;
    expect(await events()).toHaveLength(2);
    const job = (await (await fetch(`${sim.url}/fine_tuning/jobs/${ids[0]}`)).json()) as { status: string };
    expect(job.status).toBe('running');
    expect((await events())[0]?.message).toBe('Fine-tuning job started');
  });
});
