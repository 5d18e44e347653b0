import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gate, RUN_POLICY } from '../../api/gate.js';
import { writeJunitFile } from '../../api/junit.js';
import { mergeShards } from '../../api/merge.js';
import { readReferenceResults } from '../../api/reference.js';
import { renderConsoleReport } from '../../report/console.js';
import { RESULTS_FILE } from '../../report/files.js';
import { renderMarkdownReport } from '../../report/markdown.js';
import type { MergeCliOptions } from '../args.js';
import { type CliIo, VERSION } from '../io.js';

/** `tunegate merge OUT DIR...`: the shards' results joined, reported and gated as `run` would. Calls no model. */
export async function mergeCommand(options: MergeCliOptions, io: CliIo): Promise<number> {
  const reference = options.reference ? await readReferenceResults(resolve(io.cwd, options.reference)) : undefined;
  const outDir = resolve(io.cwd, options.out);
  const results = await mergeShards({
    outDir,
    dirs: options.dirs.map((dir) => resolve(io.cwd, dir)),
    cwd: io.cwd,
    env: io.env,
    version: VERSION,
    ...(reference ? { reference } : {}),
  });
  if (options.markdown) await writeFile(resolve(io.cwd, options.markdown), renderMarkdownReport(results));
  if (options.junit) await writeJunitFile(resolve(io.cwd, options.junit), results, outDir);
  io.stdout.write(`${renderConsoleReport(results)}\n`);
  io.stdout.write(`results: ${join(outDir, RESULTS_FILE)}${results.summary.incomplete ? ' (incomplete)' : ''}\n`);
  const outcome = gate(results, RUN_POLICY);
  if (outcome.runtime) io.stderr.write(`error: ${outcome.runtime}; see cases.jsonl for the errors\n`);
  return outcome.exitCode;
}
