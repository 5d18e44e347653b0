import { resolve } from 'node:path';
import { checkLifecycles } from '../../api/lifecycle.js';
import { validateSuites } from '../../api/validate.js';
import { ExitCode, formatProblem } from '../../errors.js';
import { stripControl } from '../../report/escape.js';
import type { RunCliOptions } from '../args.js';
import type { CliIo } from '../io.js';

/** Prints every problem as `file:line:col message`; exit 2 when there is any. */
export async function validateCommand(options: RunCliOptions, io: CliIo): Promise<number> {
  // Nothing here calls a model: an unset key variable is a warning (it stays an error for `run`).
  const result = await validateSuites(options.suites, {
    cwd: io.cwd,
    env: io.env,
    requireApiKeys: !options.simulate,
    missingApiKey: 'warning',
  });
  // Model shutdowns: providers whose key is at hand are asked (never on --simulate), the built-in table otherwise.
  const lifecycle = await checkLifecycles(
    result.suites.map(({ suite }) => suite),
    {
      now: io.now?.() ?? new Date(),
      env: io.env,
      cacheDir: resolve(io.cwd, options.cacheDir),
      cacheMode: options.cacheMode,
      ask: (provider) => !options.simulate && provider.api_key_env !== undefined && !!io.env[provider.api_key_env],
    },
  );
  const warnings = [...result.warnings, ...lifecycle.warnings];
  const problems = [...result.problems, ...lifecycle.problems];
  for (const warning of warnings) io.stderr.write(`warning: ${stripControl(formatProblem(warning))}\n`);
  if (problems.length > 0) {
    for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`);
    const count = problems.length;
    io.stderr.write(`${count} problem${count === 1 ? '' : 's'} found; no model was called.\n`);
    return ExitCode.usage;
  }
  for (const { suite, cases } of result.suites) {
    io.stdout.write(`ok ${suite.file}: ${suite.name}, ${cases.length} cases, ${suite.variants.length} variants\n`);
  }
  return ExitCode.ok;
}
