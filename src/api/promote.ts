import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { caseIdsOf } from '../dataset/source.js';
import { compareVariants } from '../decision/compare.js';
import { TunegateError } from '../errors.js';
import type { PruneNote } from '../history/text.js';
import { escapeMarkdownInline } from '../report/escape.js';
import { renderMarkdownReport } from '../report/markdown.js';
import type { RunResults } from '../report/types.js';
import type { LoadedSuite, VariantSpec } from '../suite/types.js';
import { resolveGitHubApiUrl } from '../training/backends/github-rest.js';
import { appendLineChange } from '../training/file-change.js';
import { isLocalModelId } from '../training/local/model.js';
import {
  type ApplyPromotionOptions,
  alreadyChampion,
  applyPromotion,
  judgeCandidate,
  PROMOTIONS_FILE,
  type PromotionJudgement,
  type PromotionRecord,
  type PromotionResult,
  type PromptedEvidence,
  recordPromotion,
} from '../training/promote.js';
import { readRegistryModel } from '../training/registry.js';
import { fineTunedVariant, proposedVariant } from '../training/serve-format.js';
import { suiteFollowUp } from '../training/suite-follow.js';
import { historyChange, promotionHistoryEntry, variantFlags } from './history-promotion.js';
import { localModelFileOf } from './local-server.js';
import { candidateSeat, contestSeat, contestSuite, PROMPTED_VARIANT, withUnservedChampion } from './promote-contest.js';
import { type RunSuitesOptions, runSuites } from './run-suites.js';
import type { SuiteWithCases } from './validate.js';

export interface PromoteOptions {
  model: string;
  mode: ApplyPromotionOptions['mode'];
  repoDir: string;
  github?: ApplyPromotionOptions['github'];
  /** For GitHub's REST API (a pull-request promotion): the CLI passes its proxy-aware fetch. */
  fetch?: typeof fetch;
  /** Add the registry key when it does not exist yet (else a missing key is an error: a typo must not create one). */
  createKey?: boolean;
  run: RunSuitesOptions;
}

export interface PromoteOutcome {
  judgement: PromotionJudgement;
  champion: string | undefined;
  /** Absent when nothing was evaluated (the candidate already is the champion). */
  results?: RunResults;
  applied?: PromotionResult;
  ledger: string;
  /** The run history the promotion was recorded in as the suite's accepted reference (run.history). */
  history?: { path: string; pruned: PruneNote[] };
}

/**
 * Where a pull-request promotion goes, from the environment both adapters see: GITHUB_API_URL,
 * GITHUB_REPOSITORY and GITHUB_BASE_REF (default `main`), with the token given. Undefined when
 * something is missing (the promotion then says what it needs).
 */
export function promotionTarget(
  env: Record<string, string | undefined>,
  token: string | undefined,
): ApplyPromotionOptions['github'] {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo) return undefined;
  return {
    apiUrl: resolveGitHubApiUrl(undefined, undefined, env),
    token,
    owner,
    repo,
    base: env.GITHUB_BASE_REF || 'main',
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
  if (!registry) {
    throw new TunegateError(
      'promote',
      `suite ${suite.name}: promotion needs training.registry (the file and key the application reads)`,
    );
  }
  const served = servedVariant(suite, options.model);
  const format = served.variant;
  const champion = await readRegistryModel(registry.file, registry.key);
  const ledger = join(dirname(registry.file), PROMOTIONS_FILE);
  if (champion === options.model) {
    // A re-run of a promotion that went through: success, and nothing is evaluated or written.
    return { judgement: alreadyChampion(options.model, `${registry.file} (${registry.key})`), champion, ledger };
  }
  if (champion === undefined && !options.createKey) throw missingKey(registry);
  const seat = await candidateSeat(suite, options.model, format);
  const championSeat = champion === undefined ? undefined : await contestSeat(suite, champion, format);
  const contender = champion === undefined || !championSeat ? undefined : { model: champion, seat: championSeat };
  const contest = {
    suite: contestSuite(suite, format, contender, { model: options.model, seat }),
    cases,
    trainable: [],
  };
  // The contest is no run of the suite: the history records only a promotion, below.
  const { history, ...run } = options.run;
  // On the simulator the candidate is served only when its config names it or a training job made it.
  const simulate = run.simulate ? { ...run.simulate, unserved: [options.model] } : undefined;
  const results = await runSuites([contest], { ...run, ...(simulate ? { simulate } : {}) });
  const measured = results.suites[0];
  const candidate = measured?.variants.candidate;
  if (!measured || !candidate)
    throw new TunegateError('promote', `suite ${suite.name}: the candidate was not evaluated`);
  const championResult = measured.variants.champion;
  const caseIds = caseIdsOf(cases);
  const flagsOf = (variant: string) => variantFlags(run.outDir, measured.name, variant, caseIds);
  const candidateFlags = await flagsOf('candidate');
  const prompted = measured.variants[PROMPTED_VARIANT]
    ? promptedEvidence(measured.variants[PROMPTED_VARIANT].model, await flagsOf(PROMPTED_VARIANT), candidateFlags, {
        policy: suite.decision,
        caseIds,
      })
    : undefined;
  const judged = judgeCandidate({
    candidate: {
      model: options.model,
      metrics: candidate.metrics,
      thresholds: candidate.thresholds,
      ...(candidateFlags.firstError ? { firstError: candidateFlags.firstError } : {}),
    },
    ...(champion && championResult ? { champion: { model: champion, metrics: championResult.metrics } } : {}),
    ...(measured.comparison.candidate ? { comparison: measured.comparison.candidate } : {}),
    ...(prompted ? { prompted } : {}),
    margin: suite.decision.max_accuracy_loss,
  });
  const judgement =
    champion && championSeat && 'unserved' in championSeat
      ? withUnservedChampion(judged, champion, championSeat.unserved)
      : judged;
  const entry = (applied: Partial<PromotionResult> | undefined): PromotionRecord => ({
    at: new Date().toISOString(),
    suite: suite.name,
    candidate: options.model,
    champion: champion ?? null,
    decision: judgement.decision,
    reasons: judgement.reasons,
    numbers: judgement.numbers,
    ...(applied?.mode
      ? {
          applied: {
            mode: applied.mode,
            changed: applied.changed ?? true,
            ...(applied.branch ? { branch: applied.branch } : {}),
          },
        }
      : {}),
  });
  if (judgement.decision !== 'promote') {
    // A dry run changes nothing, the ledger included.
    if (options.mode !== 'dry-run') await recordPromotion(ledger, entry(undefined));
    return { judgement, champion, results, ledger };
  }
  const historyEntry = history
    ? await promotionHistoryEntry(
        history,
        { results, outDir: run.outDir, caseIds },
        { suite: suite.name, variant: format.name, measuredAs: 'candidate' },
      )
    : undefined;
  let pruned: PruneNote[] = [];
  const localModel = isLocalModelId(options.model) ? await readLocalModelFile(suite, options.model) : undefined;
  const applied = await applyPromotion({
    mode: options.mode,
    registryFile: registry.file,
    key: registry.key,
    model: options.model,
    repoDir: options.repoDir,
    env: options.run.env,
    message: `Promote ${options.model} for ${suite.name}\n\n${judgement.reasons.join('\n')}`,
    evidence: promotionEvidence(judgement.reasons, results, served),
    ...(options.github ? { github: options.github } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // The ledger line, the accepted run and the suite's variant go into the promotion's own commit.
    companions: (pending) => [
      appendLineChange(ledger, JSON.stringify(entry({ ...pending, changed: true }))),
      ...(history && historyEntry ? [historyChange(history, historyEntry, (notes) => (pruned = notes))] : []),
      suiteFollowUp(
        suiteFilePath(suite),
        { variant: { ...format, provider: seat.provider, model: options.model }, proposed: served.proposed },
        champion,
        seat.added?.name,
      ),
      // A local model is a file: it travels with the promotion, so every checkout of the commit can serve it.
      ...(localModel ? [{ file: localModel.file, update: () => localModel.text }] : []),
    ],
  });
  const recorded = history && historyEntry && applied.changed && options.mode !== 'dry-run';
  return {
    judgement,
    champion,
    results,
    ledger,
    applied,
    ...(recorded ? { history: { path: history.path, pruned } } : {}),
  };
}

async function readLocalModelFile(suite: LoadedSuite, model: string): Promise<{ file: string; text: string }> {
  const file = await localModelFileOf(suite, model);
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch {
    throw new TunegateError('promote', `${file}: the model file of ${model} is missing; run tunegate train first`);
  }
}

/** The variant the trained model is served as: the suite's fine-tuned one, or the one the promotion proposes. */
function servedVariant(suite: LoadedSuite, model: string): { variant: VariantSpec; proposed: boolean } {
  const existing = fineTunedVariant(suite);
  if (existing) return { variant: existing, proposed: false };
  const proposal = proposedVariant(suite, model);
  if ('missing' in proposal) throw new TunegateError('promote', `suite ${suite.name}: ${proposal.missing}`);
  return { variant: proposal.variant, proposed: true };
}

function promotionEvidence(
  reasons: string[],
  results: RunResults,
  served: { variant: VariantSpec; proposed: boolean },
): string {
  const list = reasons.map((r) => `- ${escapeMarkdownInline(r, 600)}`).join('\n');
  const proposal = served.proposed
    ? `\n\nThe suite had no fine-tuned variant: this change adds \`variants.${served.variant.name}\`, the format the model was trained and tested in (\`training.serve_as\`).`
    : '';
  return `${list}${proposal}\n\n${renderMarkdownReport(results)}`;
}

/** The suite file's absolute path (`file` is as given on the command line; `dir` is where it lies). */
function suiteFilePath(suite: LoadedSuite): string {
  return isAbsolute(suite.file) ? suite.file : join(suite.dir, basename(suite.file));
}

/** Candidate vs the prompted variant on the cases both answered, with the suite's margin and confidence. */
function promptedEvidence(
  model: string,
  promptedFlags: { correct: Uint8Array; answered: Uint8Array },
  candidateFlags: { correct: Uint8Array; answered: Uint8Array },
  context: { policy: { max_accuracy_loss: number; confidence: number }; caseIds: readonly string[] },
): PromptedEvidence {
  const comparison = compareVariants(
    { name: PROMPTED_VARIANT, outcomes: promptedFlags.correct, answered: promptedFlags.answered },
    { name: 'candidate', outcomes: candidateFlags.correct, answered: candidateFlags.answered },
    context.policy,
    context.caseIds,
  );
  return { model, comparison };
}

/** A registry key that does not exist: most likely a typo, so nothing is created without --create-key. */
function missingKey(registry: { file: string; key: string; key_ref?: { file: string; line: number; col: number } }) {
  const at = registry.key_ref ? `${registry.key_ref.file}:${registry.key_ref.line}:${registry.key_ref.col} ` : '';
  const message =
    `${at}training.registry.key "${registry.key}" is not in the registry ${registry.file}; ` +
    'fix the key (a typo would point the application at nothing), or pass --create-key to add it';
  return new TunegateError('registry-key', message, {
    ...(registry.key_ref ? { problems: [{ ...registry.key_ref, message, code: 'registry-key' }] } : {}),
  });
}
