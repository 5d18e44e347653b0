import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layer order written in CONTRIBUTING.md, enforced: a folder of src/ imports only itself, the
 * root files (src/*.ts) and the folders before it; root files import only root files.
 */

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

/** The order from CONTRIBUTING.md's "Layers, first to last:" line; `a` / `b` share a rank. */
function documentedOrder(): string[][] {
  const text = readFileSync(join(root, 'CONTRIBUTING.md'), 'utf8');
  const line = /^Layers, first to last: (.+)$/m.exec(text)?.[1];
  if (line === undefined) throw new Error('CONTRIBUTING.md has no "Layers, first to last:" line');
  return line.split('→').map((rank) => [...rank.matchAll(/`([a-z-]+)`/g)].map((m) => m[1] as string));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of src/ a file belongs to; '' for the root files. */
function layerOf(file: string): string {
  const parts = relative(src, file).split(sep);
  return parts.length === 1 ? '' : (parts[0] as string);
}

interface Violation {
  file: string;
  imports: string;
}

/** Every relative import (static, dynamic, `export … from`) of `file` that reaches a later layer. */
function violations(file: string, text: string, order: string[][]): Violation[] {
  const rank = new Map(order.flatMap((names, index) => names.map((name) => [name, index + 1] as const)));
  rank.set('', 0);
  const own = layerOf(file);
  const ownRank = rank.get(own);
  if (ownRank === undefined) return [{ file, imports: `(folder src/${own} is not named in CONTRIBUTING.md)` }];
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .flatMap((name) => {
      const target = resolve(dirname(file), name);
      const layer = layerOf(target);
      if (layer === own) return [];
      const targetRank = rank.get(layer);
      const allowed = targetRank !== undefined && targetRank < ownRank;
      return allowed ? [] : [{ file: relative(root, file), imports: relative(root, target) }];
    });
}

describe('layers', () => {
  const order = documentedOrder();

  it('names every folder of src/ in CONTRIBUTING.md', () => {
    const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(folders.map((e) => e.name).filter((name) => !order.flat().includes(name))).toEqual([]);
  });

  it('imports only go to earlier layers', () => {
    const found = sourceFiles(src).flatMap((file) => violations(file, readFileSync(file, 'utf8'), order));
    expect(found).toEqual([]);
  });

  it('catches an import of a later layer, a same-rank neighbour and a root file importing a folder', () => {
    const at = (path: string) => join(src, path);
    expect(violations(at('providers/x.ts'), "import { a } from '../training/types.js';", order)).toHaveLength(1);
    expect(violations(at('cli/x.ts'), "export { a } from '../github/main.js';", order)).toHaveLength(1);
    expect(violations(at('x.ts'), "const m = await import('./suite/load.js');", order)).toHaveLength(1);
    expect(violations(at('training/x.ts'), "import type { A } from '../providers/types.js';", order)).toEqual([]);
  });

  it('keeps openai in src/providers and @actions/* in src/github', () => {
    const misplaced = sourceFiles(src).flatMap((file) =>
      ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.map((imported) => imported.fileName)
        .filter((name) =>
          (name === 'openai' || name.startsWith('openai/')) && layerOf(file) !== 'providers'
            ? true
            : name.startsWith('@actions/') && layerOf(file) !== 'github',
        )
        .map((name) => `${relative(root, file)} imports ${name}`),
    );
    expect(misplaced).toEqual([]);
  });
});
