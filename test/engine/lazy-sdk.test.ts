import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Every input file that loading `entry` evaluates, following static imports only (import() stays lazy). */
function staticallyLoaded(metafile: Metafile, entry: string): Set<string> {
  const loaded = new Set<string>();
  const visit = (output: string) => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return new Set([...loaded].flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {})));
}

describe('evaluate() start-up', () => {
  it('leaves the openai SDK to the first call made: a run served from the cache never loads it', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'tunegate-lazy-sdk-'));
    try {
      const { metafile } = await build({
        entryPoints: { evaluate: 'src/api/evaluate.ts' },
        outdir,
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        metafile: true,
        write: false,
        logLevel: 'silent',
      });
      const entry = Object.keys(metafile.outputs).find((output) => output.endsWith('evaluate.js')) as string;
      const loaded = [...staticallyLoaded(metafile, entry)];
      expect(loaded.some((input) => input.includes('src/engine/run.ts'))).toBe(true);
      expect(loaded.filter((input) => /node_modules\/openai\//.test(input))).toEqual([]);
      expect(loaded.filter((input) => input.includes('src/providers/client.ts'))).toEqual([]);
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });
});
