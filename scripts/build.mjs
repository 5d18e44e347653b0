// Bundles the CLI (and later the Action) into dist/ with every dependency inlined,
// so the Action runs without node_modules.
// Usage: node scripts/build.mjs [outdir]   (a test builds into a temporary outdir to detect a stale dist/)
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist';

const entries = [
  { in: 'src/cli/index.ts', out: 'cli' },
  { in: 'src/github/index.ts', out: 'index' },
];

await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: false,
  legalComments: 'none',
  minify: true,
  banner: {
    // Bundled CommonJS dependencies call require(); give ESM output one.
    js: "#!/usr/bin/env node\nimport { createRequire as __tgCreateRequire } from 'node:module';\nconst require = __tgCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
