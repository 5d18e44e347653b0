/** Names of the Action's inputs and outputs, as in action.yml. */
export const Input = {
  suites: 'suites',
  githubToken: 'github-token',
  comment: 'comment',
  commentKey: 'comment-key',
  failOn: 'fail-on',
  maxCostUsd: 'max-cost-usd',
  concurrency: 'concurrency',
  workingDirectory: 'working-directory',
  compareBase: 'compare-base',
  baseRef: 'base-ref',
  runAll: 'run-all',
  reference: 'reference',
  out: 'out',
  cache: 'cache',
  cacheMode: 'cache-mode',
  artifact: 'artifact',
  requireSecrets: 'require-secrets',
  simulate: 'simulate',
  simConfig: 'sim-config',
  command: 'command',
  model: 'model',
  promoteMode: 'promote-mode',
  trainingSet: 'training-set',
  job: 'job',
  pollSeconds: 'poll-seconds',
  history: 'history',
  historyKeep: 'history-keep',
  accept: 'accept',
  triggerOn: 'trigger-on',
  createKey: 'create-key',
  fragility: 'fragility',
  junit: 'junit',
  shard: 'shard',
  shards: 'shards',
  batch: 'batch',
} as const;

export const Output = {
  passed: 'passed',
  verdicts: 'verdicts',
  verdict: 'verdict',
  regressions: 'regressions',
  summary: 'summary',
  resultsPath: 'results-path',
  commentUrl: 'comment-url',
  promotion: 'promotion',
  pullRequestUrl: 'pull-request-url',
  jobId: 'job-id',
  jobStatus: 'job-status',
  trainedModel: 'trained-model',
  drift: 'drift',
  alertUrl: 'alert-url',
  status: 'status',
} as const;

export const COMMANDS = ['evaluate', 'promote', 'train', 'merge'] as const;

/** Where the merge command looks for the shards' results by default (download-artifact's `path`). */
export const DEFAULT_SHARDS = 'tunegate-shards/*';
export type ActionCommand = (typeof COMMANDS)[number];

/** Where the run history is kept: a branch of the repository, workflow artifacts, or nowhere. */
export type HistorySetting = { kind: 'branch'; branch: string } | { kind: 'artifact'; name: string } | { kind: 'none' };

export const DEFAULT_HISTORY_BRANCH = 'tunegate-history';
export const HISTORY_ARTIFACT = 'tunegate-history';
/** Runs kept per suite unless history-keep says otherwise. */
export const DEFAULT_HISTORY_KEEP_RUNS = 365;

export const CACHE_MODE_INPUTS = ['auto', 'use', 'refresh', 'off'] as const;
export type CacheModeInput = (typeof CACHE_MODE_INPUTS)[number];

/** Events whose purpose is to notice a changed model behind an unchanged id: `auto` refreshes on them. */
export const REFRESH_EVENTS: readonly string[] = ['schedule', 'workflow_dispatch'];
