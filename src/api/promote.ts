import { dirname, join } from 'node:path';
import { TunegateError } from '../errors.js';
import type { PruneNote } from '../history/text.js';
import { escapeMarkdownInline } from '../report/escape.js';
import { renderMarkdownReport } from '../report/markdown.js';
import type { RunResults } from '../report/types.js';
import type { LoadedSuite, VariantSpec } from '../suite/types.js';
import {
  type ApplyPromotionOptions,
  applyPromotion,
  judgeCandidate,
  PROMOTIONS_FILE,
  type PromotionJudgement,
  type PromotionResult,
  recordPromotion,
} from '../training/promote.js';
import { readRegistryModel } from '../training/registry.js';
import { appendPromotionRun } from './history-promotion.js';
import { type RunSuitesOptions, runSuites } from './run-suites.js';
import { trainingFormat } from './training-set.js';
import type { SuiteWithCases } from './validate.js';

export interface PromoteOptions {
  model: string;
  mode: ApplyPromotionOptions['mode'];
  repoDir: string;
  github?: ApplyPromotionOptions['github'];
  run: RunSuitesOptions;
}

export interface PromoteOutcome {
  judgement: PromotionJudgement;
  champion: string | undefined;
  results: RunResults;
  applied?: PromotionResult;
  ledger: string;
  /** The run history the promotion was recorded in as the suite's accepted reference (run.history). */
  history?: { path: string; pruned: PruneNote[] };
}

/** The suite with two variants in the trained model's prompt format: the registry's champion and the candidate. */
function championVsCandidate(
  suite: LoadedSuite,
  format: VariantSpec,
  champion: string | undefined,
  model: string,
): LoadedSuite {
  const candidate: VariantSpec = { ...format, name: 'candidate', role: 'finetuned', model };
  const variants =
    champion === undefined
      ? [candidate]
      : [{ ...format, name: 'champion', role: 'finetuned' as const, model: champion }, candidate];
  return {
    ...suite,
    variants,
    decision: { ...suite.decision, baseline: variants[0]?.name, candidate: 'candidate', fail_on: [] },
  };
}

/**
 * Gated promotion: evaluates the candidate against the suite's thresholds and the current champion
 * on the same cases; only a candidate that passes is written to the registry (dry run, commit or
 * pull request). Promotions and refusals alike are recorded with their numbers.
 */
export async function promoteModel(input: SuiteWithCases, options: PromoteOptions): Promise<PromoteOutcome> {
  const { suite, cases } = input;
  const registry = suite.training?.registry;
  const format = trainingFormat(suite);
  if (!registry || !format) {
    throw new TunegateError(
      'promote',
      `suite ${suite.name}: promotion needs training.registry (the file and key the application reads) and a fine-tuned variant`,
    );
  }
  const champion = await readRegistryModel(registry.file, registry.key);
  const contest = { suite: championVsCandidate(suite, format, champion, options.model), cases, trainable: [] };
  // The contest is no run of the suite: the history records only a promotion, below.
  const { history, ...run } = options.run;
  const results = await runSuites([contest], run);
  const measured = results.suites[0];
  const candidate = measured?.variants.candidate;
  if (!measured || !candidate)
    throw new TunegateError('promote', `suite ${suite.name}: the candidate was not evaluated`);
  const championResult = measured.variants.champion;
  const judgement = judgeCandidate({
    candidate: { model: options.model, metrics: candidate.metrics, thresholds: candidate.thresholds },
    ...(champion && championResult ? { champion: { model: champion, metrics: championResult.metrics } } : {}),
    ...(measured.comparison.candidate ? { comparison: measured.comparison.candidate } : {}),
    margin: suite.decision.max_accuracy_loss,
  });
  const ledger = join(dirname(registry.file), PROMOTIONS_FILE);
  let applied: PromotionResult | undefined;
  // A dry run changes nothing, the ledger included.
  if (judgement.decision === 'promote') {
    applied = await applyPromotion({
      mode: options.mode,
      registryFile: registry.file,
      key: registry.key,
      model: options.model,
      repoDir: options.repoDir,
      message: `Promote ${options.model} for ${suite.name}\n\n${judgement.reasons.join('\n')}`,
      evidence: `${judgement.reasons.map((r) => `- ${escapeMarkdownInline(r, 600)}`).join('\n')}\n\n${renderMarkdownReport(results)}`,
      ...(options.github ? { github: options.github } : {}),
    });
  }
  if (options.mode !== 'dry-run')
    await recordPromotion(ledger, {
      at: new Date().toISOString(),
      suite: suite.name,
      candidate: options.model,
      champion: champion ?? null,
      decision: judgement.decision,
      reasons: judgement.reasons,
      numbers: judgement.numbers,
      ...(applied
        ? {
            applied: {
              mode: applied.mode,
              changed: applied.changed,
              ...(applied.commit ? { commit: applied.commit } : {}),
              ...(applied.pullRequestUrl ? { pull_request_url: applied.pullRequestUrl } : {}),
            },
          }
        : {}),
    });
  let recorded: PromoteOutcome['history'];
  if (applied && applied.mode !== 'dry-run' && history) {
    const pruned = await appendPromotionRun(
      history,
      { results, outDir: run.outDir, caseIds: cases.map((c) => c.id) },
      { suite: suite.name, variant: format.name, measuredAs: 'candidate' },
    );
    recorded = { path: history.path, pruned };
  }
  return {
    judgement,
    champion,
    results,
    ledger,
    ...(applied ? { applied } : {}),
    ...(recorded ? { history: recorded } : {}),
  };
}
