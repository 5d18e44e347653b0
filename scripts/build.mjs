// Bundles the CLI and the Action into dist/ with every dependency inlined, so the Action runs without
// node_modules. Code splitting puts what a command loads with import() (each CLI command, the tokenizer)
// into chunk-*.js files next to the entries, so `tunegate --version` reads a few kilobytes, not megabytes.
// Usage: node scripts/build.mjs [outdir]   (a test builds into a temporary outdir to detect a stale dist/)
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist';

const entries = [
  { in: 'src/cli/index.ts', out: 'cli' },
  { in: 'src/github/index.ts', out: 'index' },
];

// Chunk names carry a content hash: drop the previous build's chunks so none is left behind.
const CHUNK = /^chunk-[\w-]+\.js$/;
const previous = await readdir(outdir).catch(() => []);
await Promise.all(previous.filter((name) => CHUNK.test(name)).map((name) => rm(join(outdir, name))));

await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: false,
  legalComments: 'none',
  minify: true,
  banner: {
    // Bundled CommonJS dependencies call require(); give each ESM output file one.
    js: "#!/usr/bin/env node\nimport { createRequire as __tgCreateRequire } from 'node:module';\nconst require = __tgCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
