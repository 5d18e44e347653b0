import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ExitCode, TunegateError } from '../../errors.js';
import { pathExists } from '../../read-if-exists.js';
import { stripControl } from '../../report/escape.js';
import type { InitCliOptions } from '../args.js';
import type { CliIo } from '../io.js';
import {
  type InitNames,
  SAMPLE_NOTICE,
  SAMPLE_ROWS,
  simConfigYaml,
  suiteYaml,
  workflowYaml,
} from './init-templates.js';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The folder's name made into a suite name (letters, digits, `.`, `_`, `-`), or `my-suite`. */
function defaultName(dir: string): string {
  const cleaned = basename(dir)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return cleaned || 'my-suite';
}

function namesFor(name: string): InitNames {
  return {
    name,
    suiteFile: `evals/${name}.tunegate.yaml`,
    datasetFile: `evals/data/${name}.jsonl`,
    simConfigFile: `evals/sim/${name}.yaml`,
  };
}

/** `tunegate init [DIR]`: writes a suite that runs offline, and never overwrites a file. */
export async function initCommand(options: InitCliOptions, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, options.dir);
  const name = options.name ?? defaultName(root);
  if (!NAME_PATTERN.test(name)) {
    throw new TunegateError(
      'usage',
      `--name "${stripControl(name)}" is not a valid suite name: use letters, digits, ".", "_" and "-", starting with a letter or digit`,
      { exitCode: ExitCode.usage },
    );
  }
  const names = namesFor(name);
  const datasetInSuite = relative(dirname(names.suiteFile), names.datasetFile);
  const files: [string, string][] = [
    [names.suiteFile, suiteYaml(names, datasetInSuite)],
    [names.datasetFile, SAMPLE_ROWS],
    ['evals/data/NOTICE.md', SAMPLE_NOTICE],
    [names.simConfigFile, simConfigYaml(names)],
    ['.github/workflows/tunegate.yml', workflowYaml(names)],
  ];
  const taken: string[] = [];
  for (const [file] of files) if (await pathExists(join(root, file))) taken.push(file);
  if (taken.length > 0) {
    throw new TunegateError(
      'init-exists',
      `tunegate init writes nothing over existing files; these exist in ${stripControl(root)}:\n` +
        `${taken.map((file) => `  ${file}`).join('\n')}\nmove them, or choose another folder or --name`,
      { exitCode: ExitCode.usage },
    );
  }
  for (const [file, content] of files) {
    const path = join(root, file);
    await mkdir(dirname(path), { recursive: true });
    // 'wx': a file that appeared since the check is still not overwritten.
    await writeFile(path, content, { flag: 'wx' });
    io.stdout.write(`wrote ${file}\n`);
  }
  const quoted = /^[\w./-]+$/.test(options.dir) ? options.dir : `'${options.dir.replaceAll("'", `'\\''`)}'`;
  const cd = options.dir === '.' ? '' : `cd ${quoted} && `;
  io.stdout.write(
    `\nNext, a run on the simulator (offline, no API key, no cost):\n` +
      `  ${cd}npx tunegate run ${names.suiteFile} --sim-config ${names.simConfigFile}\n` +
      `Then put your own cases in ${names.datasetFile}, your labels and models in the suite, and drop\n` +
      `--sim-config (with OPENAI_API_KEY and FIREWORKS_API_KEY set) to measure the real models.\n`,
  );
  return ExitCode.ok;
}
