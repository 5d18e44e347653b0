import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/training/ledger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tunegate-ledger-race-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('job ledger under concurrent writers', () => {
  it('keeps every entry when many ledgers on one directory write at once', async () => {
    // Each ledger stands for a separate run: its own object, its own view of the file.
    const writers = await Promise.all(Array.from({ length: 30 }, () => openLedger(dir)));
    await Promise.all(
      writers.map((ledger, index) =>
        ledger.record({
          key: `key-${index}`,
          suite: 'intents',
          backend: 'counting',
          job: { backend: 'counting', id: `job-${index}`, status: 'queued', events: [] },
          started_at: '2026-01-01T00:00:00Z',
        }),
      ),
    );
    const keys = (await openLedger(dir)).all().map((entry) => entry.key);
    expect(keys.sort()).toEqual(Array.from({ length: 30 }, (_, index) => `key-${index}`).sort());
  });
});

describe('one ledger path', () => {
  it('puts the ledger in the cache directory and carries the old CLI ledger into it', async () => {
    const { jobLedgerDir, legacyLedgerDirs, LEDGER_FILE } = await import('../../src/training/ledger.js');
    expect(jobLedgerDir(dir)).toBe(path.join(dir, '.tunegate', 'cache', 'jobs'));
    const old = await openLedger(legacyLedgerDirs(dir)[0] as string);
    const job = { backend: 'b', id: 'old-job', status: 'queued' as const, events: [] };
    await old.record({ key: 'old-key', suite: 's', backend: 'b', job, started_at: '2026-01-01T00:00:00Z' });

    const ledger = await openLedger(jobLedgerDir(dir), { legacyDirs: legacyLedgerDirs(dir) });
    expect(ledger.find('old-key')?.job.id).toBe('old-job');
    await ledger.record({ key: 'new-key', suite: 's', backend: 'b', job, started_at: '2026-01-02T00:00:00Z' });
    const { readFile } = await import('node:fs/promises');
    const onDisk = JSON.parse(await readFile(path.join(jobLedgerDir(dir), LEDGER_FILE), 'utf8'));
    expect(onDisk.jobs.map((entry: { key: string }) => entry.key).sort()).toEqual(['new-key', 'old-key']);
  });
});
