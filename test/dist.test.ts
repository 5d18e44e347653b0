import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('dist/', () => {
  it('is what the sources build to (run "npm run build" and commit dist/ when this fails)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'tunegate-dist-'));
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), fresh], { cwd: root });
    const built = readdirSync(fresh).sort();
    expect(readdirSync(join(root, 'dist')).sort()).toEqual(built);
    for (const file of built) {
      const same = readFileSync(join(fresh, file)).equals(readFileSync(join(root, 'dist', file)));
      expect(same, `dist/${file} is stale`).toBe(true);
    }
  });
});
