import { validateSuites } from '../../api/validate.js';
import { ExitCode, formatProblem } from '../../errors.js';
import type { RunCliOptions } from '../args.js';
import type { CliIo } from '../io.js';

/** Prints every problem as `file:line:col message`; exit 2 when there is any. */
export async function validateCommand(options: RunCliOptions, io: CliIo): Promise<number> {
  const result = await validateSuites(options.suites, { cwd: io.cwd, env: io.env, requireApiKeys: !options.simulate });
  for (const warning of result.warnings) io.stderr.write(`warning: ${formatProblem(warning)}\n`);
  if (result.problems.length > 0) {
    for (const problem of result.problems) io.stderr.write(`${formatProblem(problem)}\n`);
    const count = result.problems.length;
    io.stderr.write(`${count} problem${count === 1 ? '' : 's'} found; no model was called.\n`);
    return ExitCode.usage;
  }
  for (const { suite, cases } of result.suites) {
    io.stdout.write(`ok ${suite.file}: ${suite.name}, ${cases.length} cases, ${suite.variants.length} variants\n`);
  }
  return ExitCode.ok;
}
