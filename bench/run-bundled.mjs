// Bundles one bench entry (with the sources it imports) into a temporary directory and runs it with this same
// Node, passing the command line on; the process exits with its status.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

/** `entry` is a bench/*.ts file, relative to the repository root (the working directory of `npm run`). */
export async function runBundled(entry) {
  const name = basename(entry, '.ts');
  const dir = await mkdtemp(join(tmpdir(), `tunegate-bench-${name}-`));
  try {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      entryPoints: [entry],
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
    process.exitCode =
      spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
