import { TunegateError } from '../errors.js';
import { isFile } from '../read-if-exists.js';
import { shownPath } from '../suite/paths.js';
import { defaults } from '../suite/schema.js';
import type { LoadedSuite, ProviderSpec, VariantSpec } from '../suite/types.js';
import { isLocalModelId } from '../training/local/model.js';
import type { PromotionJudgement } from '../training/promote.js';
import { localModelFileOf } from './local-server.js';

/**
 * The promotion contest puts each model on a provider that serves it: the registry's champion may come
 * from another backend than the candidate (an `ft:` champion against a `local:` candidate, or the reverse).
 */

/** The local provider a contest adds when the suite has none (tunegate's own server needs no configuration). */
export const CONTEST_LOCAL_PROVIDER = 'tunegate_local';

export type ContestSeat = { provider: string; added?: ProviderSpec } | { unserved: string };

const isLocal = (suite: LoadedSuite, name: string | undefined) =>
  name !== undefined && suite.providers[name]?.local === true;
const isRemote = (suite: LoadedSuite, name: string | undefined): name is string =>
  name !== undefined && suite.providers[name] !== undefined && suite.providers[name]?.local !== true;

function localSeat(suite: LoadedSuite, format: VariantSpec): ContestSeat {
  const named = [format.provider, suite.training?.serve_as?.provider, ...Object.keys(suite.providers)];
  const provider = named.find((name) => isLocal(suite, name));
  if (provider) return { provider };
  const added: ProviderSpec = {
    ...defaults.provider,
    name: CONTEST_LOCAL_PROVIDER,
    local: true,
    headers: {},
    // One call at a time, as a suite's own local provider (predictions run on the run's thread).
    concurrency: 1,
  };
  return { provider: CONTEST_LOCAL_PROVIDER, added };
}

/**
 * Where a model is served in the contest. A `local:` id: the suite's local provider (the fine-tuned
 * variant's, `serve_as.provider`, any), or one added for the contest. Any other id: the provider of the
 * suite variant that names it (a promotion writes the promoted model into the suite's fine-tuned variant;
 * the promotions ledger records no provider), else the suite's non-local fine-tuned, `serve_as`,
 * training-backend or prompted provider. `unserved` says why no provider of the suite can serve it.
 */
export async function contestSeat(suite: LoadedSuite, model: string, format: VariantSpec): Promise<ContestSeat> {
  if (isLocalModelId(model)) {
    const file = await localModelFileOf(suite, model);
    if (!(await isFile(file))) {
      return { unserved: `its model file ${shownPath(suite, file)} is not in this checkout` };
    }
    return localSeat(suite, format);
  }
  const backend = suite.training?.backend;
  const candidates = [
    ...suite.variants.filter((variant) => variant.model === model).map((variant) => variant.provider),
    format.provider,
    suite.training?.serve_as?.provider,
    backend && 'provider' in backend ? backend.provider : undefined,
    ...suite.variants.filter((variant) => variant.role === 'prompted').map((variant) => variant.provider),
  ];
  const provider = candidates.find((name) => isRemote(suite, name));
  if (provider) return { provider };
  return { unserved: 'the suite has no provider other than local ones, which serve only local: models' };
}

/** The candidate's seat; a candidate no provider can serve cannot be promoted (exit 2, saying why). */
export async function candidateSeat(suite: LoadedSuite, model: string, format: VariantSpec) {
  const seat = await contestSeat(suite, model, format);
  if ('unserved' in seat)
    throw new TunegateError('promote', `suite ${suite.name}: ${model} cannot be served: ${seat.unserved}`);
  return seat;
}

/** A suite with the providers the contest added (tunegate's own server, for a local model). */
export function withSeats(suite: LoadedSuite, seats: readonly ContestSeat[]): LoadedSuite {
  const added = seats.flatMap((seat) => ('added' in seat && seat.added ? [seat.added] : []));
  if (added.length === 0) return suite;
  return { ...suite, providers: { ...suite.providers, ...Object.fromEntries(added.map((p) => [p.name, p])) } };
}

/**
 * The judgement when the registry's champion could not be evaluated. The contest goes on without it rather
 * than refusing: an unservable champion (a local model whose file was never committed, a backend the suite
 * no longer names) would otherwise block every promotion for good, and the candidate still has to pass
 * every threshold and the prompted variant's margin on the same cases. The reason is never silent.
 */
export function withUnservedChampion(
  judgement: PromotionJudgement,
  champion: string,
  unserved: string,
): PromotionJudgement {
  const line = `the champion ${champion} was not evaluated: ${unserved}; the candidate is judged on the thresholds and the prompted variant only`;
  // judgeCandidate saw no champion, so it wrote a "first model" note that is not true here.
  const reasons = judgement.reasons.filter((reason) => !reason.startsWith('no champion yet:'));
  return { ...judgement, reasons: [line, ...reasons] };
}

/** The suite's prompted variant's name in the contest. */
export const PROMPTED_VARIANT = 'prompted';

/**
 * The contest: the registry's champion and the candidate in the trained model's prompt format, each on a
 * provider that serves it, and the suite's prompted variant as it is (the candidate may not lose to it
 * beyond the margin), on the same cases. A champion no provider can serve is left out.
 */
export function contestSuite(
  suite: LoadedSuite,
  format: VariantSpec,
  champion: { model: string; seat: ContestSeat } | undefined,
  candidate: { model: string; seat: { provider: string; added?: ProviderSpec } },
): LoadedSuite {
  const seated = (name: string, model: string, provider: string): VariantSpec => ({
    ...format,
    name,
    role: 'finetuned',
    model,
    provider,
  });
  const prompted = suite.variants.find((variant) => variant.role === 'prompted');
  const championSeat = champion && !('unserved' in champion.seat) ? champion.seat : undefined;
  const variants = [
    ...(champion && championSeat ? [seated('champion', champion.model, championSeat.provider)] : []),
    ...(prompted ? [{ ...prompted, name: PROMPTED_VARIANT }] : []),
    seated('candidate', candidate.model, candidate.seat.provider),
  ];
  // The gate judges accuracy, thresholds and cost on the same cases; fragility is the suite runs' to measure.
  const { fragility: _fragility, ...rest } = withSeats(suite, [
    candidate.seat,
    ...(championSeat ? [championSeat] : []),
  ]);
  return {
    ...rest,
    variants,
    decision: { ...suite.decision, baseline: variants[0]?.name, candidate: 'candidate', fail_on: [] },
  };
}
