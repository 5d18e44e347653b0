// Bundles bench/local-serve.ts (with the sources it imports) and runs it with this same Node. Usage: node bench/local-serve.mjs
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const dir = await mkdtemp(join(tmpdir(), 'tunegate-bench-local-serve-'));
try {
  const outfile = join(dir, 'local-serve.mjs');
  await build({
    entryPoints: ['bench/local-serve.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Bundled CommonJS dependencies (yaml) call require(); give ESM output one.
    banner: {
      js: "import { createRequire as __tgCreateRequire } from 'node:module';\nconst require = __tgCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  process.exitCode = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
