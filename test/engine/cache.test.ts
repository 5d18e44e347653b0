import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachedResponse, openResponseCache } from '../../src/engine/cache.js';
import { nth } from './helpers.js';

const KEY = 'ab'.repeat(32);
const response: CachedResponse = {
  text: 'refund',
  usage: { prompt: 12, completion: 1, cached: 0 },
  latency_ms: 42,
  ttft_ms: null,
  simulated: true,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunegate-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openResponseCache', () => {
  it('stores under <2 hex>/<key>.json and reads back the same response', async () => {
    const cache = openResponseCache(dir);
    expect(cache.get(KEY)).toBeNull();
    await cache.set(KEY, response);
    expect(await readdir(join(dir, 'ab'))).toEqual([`${KEY}.json`]);
    expect(openResponseCache(dir).get(KEY)).toEqual(response);
  });

  it('reads the same entries whichever way the directory is spelt (trailing slash, relative)', async () => {
    await openResponseCache(dir).set(KEY, response);
    expect(openResponseCache(`${dir}/`).get(KEY)).toEqual(response);
    expect(openResponseCache(`${dir}/./`).get(KEY)).toEqual(response);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(openResponseCache('.').get(KEY)).toEqual(response);
      expect(openResponseCache('').get(KEY)).toEqual(response);
    } finally {
      process.chdir(cwd);
    }
  });

  it('treats a corrupt or wrongly shaped entry as a miss', async () => {
    const cache = openResponseCache(dir);
    await cache.set(KEY, response);
    await writeFile(join(dir, 'ab', `${KEY}.json`), '{"text": "trunc');
    expect(cache.get(KEY)).toBeNull();
    await writeFile(join(dir, 'ab', `${KEY}.json`), JSON.stringify({ ...response, latency_ms: 'fast' }));
    expect(cache.get(KEY)).toBeNull();
  });

  it('leaves no temporary files behind and lists stored keys', async () => {
    const cache = openResponseCache(dir);
    const keys = ['00', '01', 'ff'].map((prefix) => prefix + '1'.repeat(62));
    await Promise.all(keys.map((key) => cache.set(key, response)));
    await cache.set(nth(keys, 0), { ...response, text: 'overwritten' });
    const files = (await Promise.all(['00', '01', 'ff'].map((shard) => readdir(join(dir, shard))))).flat();
    expect(files.every((file) => file.endsWith('.json'))).toBe(true);
    expect(cache.keys()).toEqual(new Set(keys));
    expect(cache.get(nth(keys, 0))?.text).toBe('overwritten');
  });

  it('never maps a non-hex key to a path', async () => {
    const cache = openResponseCache(dir);
    expect(cache.get('../../etc/passwd')).toBeNull();
    await expect(cache.set('../escape', response)).rejects.toThrow(/invalid response cache key/);
  });

  it('reports no keys for a directory that does not exist yet', async () => {
    expect(openResponseCache(join(dir, 'absent')).keys()).toEqual(new Set());
  });

  it('removes temp files of dead writers and old ones, and leaves a live writer’s alone', async () => {
    // A pid that surely ended: a child that has exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const shard = join(dir, 'ab');
    await mkdir(shard, { recursive: true });
    const temp = (pid: number, n: number) => join(shard, `${KEY}.json.${pid}.0a1b2c3d.${n}.tmp`);
    await writeFile(temp(deadPid, 1), '{');
    await writeFile(temp(process.pid, 2), '{');
    await writeFile(temp(process.pid, 3), '{');
    const old = new Date(Date.now() - 60 * 60_000);
    await utimes(temp(process.pid, 3), old, old);
    const cache = openResponseCache(dir);
    expect(cache.scan().temps.sort()).toEqual([temp(deadPid, 1), temp(process.pid, 2), temp(process.pid, 3)].sort());
    expect(await cache.removeOrphanTemps()).toBe(2);
    expect(await readdir(shard)).toEqual([`${KEY}.json.${process.pid}.0a1b2c3d.2.tmp`]);
  });
});
