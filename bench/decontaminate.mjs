// Bundles bench/decontaminate.ts (with the sources it imports) and runs it with this same Node.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const dir = await mkdtemp(join(tmpdir(), 'tunegate-bench-decontaminate-'));
try {
  const outfile = join(dir, 'decontaminate.mjs');
  await build({ entryPoints: ['bench/decontaminate.ts'], outfile, bundle: true, platform: 'node', format: 'esm' });
  process.exitCode = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
