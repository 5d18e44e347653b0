import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

export interface ReadmeCommand {
  env: Record<string, string>;
  argv: string[];
}

/** The README's `sh` block that holds `needle`, as commands: leading VAR=value words, then `npx tunegate …`. */
export async function readmeBlock(needle: string): Promise<ReadmeCommand[]> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((match) => match[1] as string)
    .find((text) => text.includes(needle));
  if (!block) throw new Error(`README: no sh block holding "${needle}"`);
  return block
    .trim()
    .split('\n')
    .map((line) => {
      const words = line.trim().split(/\s+/);
      const env: Record<string, string> = {};
      while (/^[A-Z_]+=/.test(words[0] ?? '')) {
        const [name, value] = (words.shift() as string).split('=') as [string, string];
        env[name] = value;
      }
      expect(words.slice(0, 2)).toEqual(['npx', 'tunegate']);
      return { env, argv: words.slice(2) };
    });
}
