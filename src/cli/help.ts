/** What each command accepts and how it is described: the one source of the flag parser and every help text. */

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in help (string flags). */
  value?: string;
  /** Lines of the description. */
  help: readonly string[];
}

export interface CommandSpec {
  /** Arguments after the command name, as usage shows them. */
  usage: string;
  summary: string;
  flags: Readonly<Record<string, FlagSpec>>;
}

const text = (value: string, ...help: string[]): FlagSpec => ({ type: 'string', value, help });
const flag = (...help: string[]): FlagSpec => ({ type: 'boolean', help });

const CACHE = {
  cache: text(
    'MODE',
    'use (default): replay stored answers, call models only for new requests;',
    'refresh: call every model and store the new answers (scheduled runs: a',
    'changed model behind the same id shows); off: neither read nor store',
  ),
  'no-cache': flag('the same as --cache off'),
  'cache-dir': text('DIR', 'response cache (default: .tunegate/cache)'),
};
const LOOP_SIM_CONFIG = text('FILE', "serve the suite's providers from the simulator (offline; fine-tuning included)");
const LOOP_OUT = text('DIR', 'training set / results directory (default: tunegate-training)');
const MAX_COST = text('N', 'refuse when the estimate exceeds N; stop when spend reaches N');

export const COMMANDS = {
  run: {
    usage: '<suites or globs...> [options]',
    summary: 'run every variant on the same cases',
    flags: {
      out: text('DIR', 'where results.json and cases.jsonl go (default: tunegate-results)'),
      ...CACHE,
      'max-cost-usd': MAX_COST,
      concurrency: text('N', 'parallel calls per provider (overrides the suites)'),
      simulate: flag('run offline on the built-in simulator (no API key, no cost)'),
      'sim-config': text('FILE', 'simulator behaviour: per-model accuracy and latency, faults (implies --simulate)'),
      markdown: text('FILE', 'also write the Markdown summary to FILE'),
      junit: text('FILE', 'also write JUnit XML to FILE (a test case per case and variant, one per gate)'),
      reference: text(
        'FILE',
        'results.json of the run that accepted the current models; a fine-tuned',
        'variant that has since lost accuracy or fails a threshold gets "retrain"',
        "(wins over the history's accepted run)",
      ),
      history: text(
        'FILE',
        'remember the run in FILE (JSONL, created if absent): one line per suite;',
        "measures drift against the suite's accepted run (its first run, a",
        'promotion, or a run made with --accept), which also serves as the reference',
      ),
      accept: flag('make this run the accepted reference of its suites (needs --history)'),
      'history-keep': text('N', 'runs kept per suite in the history (default 365); older ones are pruned'),
      'no-fragility': flag("skip the suites' fragility measurement (their perturbed calls)"),
      shard: text(
        'K/N',
        'evaluate only shard K of N (cases split by id, the same on every machine);',
        '`tunegate merge` joins the N out dirs and gates the run (a shard fails only',
        'when its calls do); fragility is not measured',
      ),
      batch: flag(
        "make the calls the cache lacks through the providers' Batch APIs (half price,",
        'up to 24 h): submits them, then exits 4 (pending) until a later run collects;',
        '`--batch wait` polls until they are done; failed lines are called synchronously',
      ),
      sequential: flag(
        'decide every suite with a baseline and a candidate in looks (decision.sequential:',
        'true): stop once non-inferior, worse or futile; saves calls, keeps α',
      ),
      quiet: flag('no progress output'),
    },
  },
  merge: {
    usage: 'OUT DIR... [options]',
    summary: 'join the out dirs of `run --shard K/N` into the results of one run',
    flags: {
      markdown: text('FILE', 'also write the Markdown summary to FILE'),
      junit: text('FILE', 'also write JUnit XML to FILE'),
      reference: text('FILE', 'as for `run --reference`: results.json of the accepted models'),
    },
  },
  validate: {
    usage: '<suites or globs...> [options]',
    summary: 'check suites and datasets; calls no model',
    flags: {
      simulate: flag('the suites will run on the simulator: API keys are not needed'),
      'sim-config': text('FILE', 'the same as --simulate'),
      ...CACHE,
    },
  },
  sim: {
    usage: '--dataset FILE [--config FILE] [--port N]',
    summary: 'serve the OpenAI-compatible simulator',
    flags: {
      dataset: text('FILE', 'JSONL of {"input","expected"} lines the simulator answers from'),
      config: text('FILE', 'YAML/JSON: models (accuracy, latency_ms, jitter_ms), faults, seed'),
      port: text('N', 'port on 127.0.0.1 (default: 8787; 0 picks a free one)'),
    },
  },
  'training-set': {
    usage: '<suite> [--results DIR] [--out DIR]',
    summary: 'build the fine-tuning set (train/validation/DPO JSONL)',
    flags: {
      out: LOOP_OUT,
      results: text('DIR', "a run's results (its cases.jsonl feeds the eval source and DPO pairs)"),
      'sim-config': LOOP_SIM_CONFIG,
      'cache-dir': CACHE['cache-dir'],
    },
  },
  distill: {
    usage: '<suite> [--out DIR]',
    summary: 'a teacher turns seed examples into a training set',
    flags: {
      out: LOOP_OUT,
      'max-cost-usd': MAX_COST,
      'sim-config': LOOP_SIM_CONFIG,
      'cache-dir': CACHE['cache-dir'],
      quiet: flag('no progress output'),
    },
  },
  train: {
    usage: '<suite> (--training-set DIR [--follow] | --job ID)',
    summary: 'start fine-tuning (once per training set), or follow a started job to its end',
    flags: {
      'training-set': text('DIR', 'the directory training-set or distill wrote'),
      verdict: text('NAME', 'what the job answers (fine-tune, retrain; default fine-tune), part of its identity'),
      follow: flag('follow the started job until it ends'),
      job: text('ID', 'the job to follow'),
      'sim-config': LOOP_SIM_CONFIG,
      'cache-dir': CACHE['cache-dir'],
    },
  },
  promote: {
    usage: '<suite> --model ID [--mode MODE]',
    summary: 'evaluate a candidate vs the champion; promote if it passes',
    flags: {
      model: text('ID', 'the candidate model to promote'),
      mode: text('MODE', 'dry-run (default), commit, or pull-request (needs GITHUB_TOKEN, GITHUB_REPOSITORY)'),
      'create-key': flag(
        'add training.registry.key to the registry when it is missing',
        '(without it a missing key is an error: a typo must not create one)',
      ),
      history: text('FILE', "a promotion is recorded there as the suite's accepted reference"),
      out: text('DIR', "where the candidate's evaluation goes (default: tunegate-results)"),
      ...CACHE,
      'max-cost-usd': MAX_COST,
      'sim-config': LOOP_SIM_CONFIG,
    },
  },
  report: {
    usage: '--history FILE (--html OUT.html | --markdown OUT.md)',
    summary: 'the run history as an offline HTML dashboard',
    flags: {
      history: text('FILE', 'the run history (JSONL) to chart'),
      html: text('FILE', 'write the dashboard: one self-contained page, opens from a file'),
      markdown: text('FILE', 'write the trend of each suite (last 30 runs) as Mermaid charts'),
    },
  },
  init: {
    usage: '[DIR] [--name NAME] [--task classification]',
    summary: 'scaffold a suite, a sample dataset, a simulator config and a workflow',
    flags: {
      name: text('NAME', "the suite's name (default: the folder's name)"),
      task: text('KIND', 'the task kind (default: classification)'),
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

const COLUMN = 25;

function flagLines(flags: Readonly<Record<string, FlagSpec>>): string {
  return Object.entries(flags)
    .map(([name, spec]) => {
      const head = `  --${name}${spec.value ? ` ${spec.value}` : ''}`;
      const [first, ...rest] = spec.help;
      const pad = ' '.repeat(Math.max(1, COLUMN - head.length));
      return [`${head}${pad}${first}`, ...rest.map((line) => `${' '.repeat(COLUMN)}${line}`)].join('\n');
    })
    .join('\n');
}

const EXIT_CODES = `Exit codes: 0 all gates passed · 1 a gate failed · 2 usage or configuration error (no model called)
            · 3 runtime failure (provider unreachable after retries, budget exhausted, interrupted)
`;

/** `tunegate COMMAND --help`: the command's usage and every flag it accepts. */
export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const flags = Object.keys(spec.flags).length > 0 ? `\nOptions:\n${flagLines(spec.flags)}\n` : '';
  return `tunegate ${name} — ${spec.summary}\n\nUsage:\n  tunegate ${name} ${spec.usage}\n${flags}\n${EXIT_CODES}`;
}

/** `tunegate --help`: one line per command. */
export function globalHelp(): string {
  const lines = COMMAND_NAMES.map((name) => {
    const head = `tunegate ${name} ${COMMANDS[name].usage}`;
    return `  ${head}\n      ${COMMANDS[name].summary}`;
  });
  return `tunegate — measure whether fine-tuning is worth it yet

Usage:
${lines.join('\n')}
  tunegate help COMMAND | tunegate COMMAND --help
      a command's options
  tunegate --version

${EXIT_CODES}`;
}
