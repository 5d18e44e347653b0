// Bundles the benchmark (bench/*.ts, with the tunegate sources it imports) into a temporary directory and runs it
// with this same Node. Usage: npm run bench [-- --repeats N] [-- --scale N] [-- --profile]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const entries = ['main', 'sim-child', 'floor-child', 'tunegate-child'];
const bundleDir = await mkdtemp(join(tmpdir(), 'tunegate-bench-bundle-'));
let exitCode = 1;
try {
  await build({
    entryPoints: entries.map((name) => ({ in: `bench/${name}.ts`, out: name })),
    outdir: bundleDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Chunks as in the shipped build (scripts/build.mjs): a child loads only what it imports, and import()
    // (the tokenizer, for one) stays lazy.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Source maps let a --cpu-prof profile be attributed to the original files; Node does not load them to run.
    sourcemap: 'external',
    banner: {
      // Bundled CommonJS dependencies call require(); give ESM output one.
      js: "import { createRequire as __tgCreateRequire } from 'node:module';\nconst require = __tgCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const child = spawn(process.execPath, [join(bundleDir, 'main.mjs'), bundleDir, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  exitCode = await new Promise((resolve) => child.once('close', (code) => resolve(code ?? 1)));
} finally {
  await rm(bundleDir, { recursive: true, force: true });
}
process.exitCode = exitCode;
