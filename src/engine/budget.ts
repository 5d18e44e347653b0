import { ExitCode, TunegateError } from '../errors.js';
import { exactUsd } from '../format.js';
import { costOfCall, priceQueryOf, resolvePrice } from '../providers/pricing.js';
import { countMessageTokens, countTokens, loadTokenizer } from '../providers/tokens.js';
import type { ChatMessage } from '../providers/types.js';
import type { LoadedSuite, PriceSpec } from '../suite/types.js';
import type { PlannedCall } from './types.js';

export interface CostEstimate {
  /** Estimated USD of the calls not already in the response cache, over priced models only. */
  usd: number;
  /** Calls whose model has no known price (not included in `usd`). */
  unpriced_calls: number;
  calls: number;
  /** Calls already in the response cache (cost 0). */
  cached_calls: number;
}

/** Price table of each suite; defaults to the suite's own `pricing:` overrides. */
export type PricingBySuite = (suite: LoadedSuite) => Record<string, PriceSpec>;

/** Resolves (and memoises) the price of each call's variant under its suite's pricing. */
export function createPriceLookup(pricingBySuite: PricingBySuite): (call: PlannedCall) => PriceSpec | null {
  const prices = new WeakMap<LoadedSuite, Map<string, PriceSpec | null>>();
  return (call) => {
    let bySuite = prices.get(call.suite);
    if (!bySuite) {
      bySuite = new Map();
      prices.set(call.suite, bySuite);
    }
    // The price depends on the variant's provider (its platform) and base model, not on the model id alone.
    let price = bySuite.get(call.variant.name);
    if (price === undefined) {
      price = resolvePrice(priceQueryOf(call.suite, call.variant), pricingBySuite(call.suite)).price;
      bySuite.set(call.variant.name, price);
    }
    return price;
  };
}

/**
 * Prompt tokens are additive per message (countMessageTokens = priming + Σ per-message tokens), so each
 * message's share is memoised by identity: the shared system prompt and few-shot turns are tokenised once,
 * not once per call. Needs loadTokenizer() first.
 */
export function promptTokenCounter(): (messages: ChatMessage[]) => number {
  const priming = countMessageTokens([]);
  const perMessage = new WeakMap<ChatMessage, number>();
  return (messages) => {
    let total = priming;
    for (const message of messages) {
      let tokens = perMessage.get(message);
      if (tokens === undefined) {
        tokens = countMessageTokens([message]) - priming;
        perMessage.set(message, tokens);
      }
      total += tokens;
    }
    return total;
  };
}

/** The request's own bound on completion tokens (max_tokens or max_completion_tokens), or null. */
export function completionCap(call: PlannedCall): number | null {
  const { params } = call.variant;
  const limit = params.max_tokens ?? params.max_completion_tokens;
  return typeof limit === 'number' && limit > 0 ? limit : null;
}

/** Without a cap: the gold answer's tokens × 1.5 + 4, a margin for wording and end tokens. */
export function completionGuess(call: PlannedCall): number {
  const expected =
    typeof call.case.expected === 'string' ? call.case.expected : JSON.stringify(call.case.expected ?? '');
  return Math.ceil(countTokens(expected) * 1.5) + 4;
}

/** Completion tokens: the cap when set — an upper bound, so the estimate errs high — else the guess. */
function completionTokens(call: PlannedCall): number {
  return completionCap(call) ?? completionGuess(call);
}

/**
 * Estimates what running `calls` would spend. Calls whose key is in `cachedKeys` (see ResponseCache.keys)
 * cost nothing; calls of models without a known price are counted apart.
 */
export async function estimateCost(
  calls: Iterable<PlannedCall>,
  pricingBySuite: PricingBySuite = (suite) => suite.pricing,
  cachedKeys: ReadonlySet<string> = new Set(),
): Promise<CostEstimate> {
  await loadTokenizer();
  const promptTokens = promptTokenCounter();
  const priceOf = createPriceLookup(pricingBySuite);

  const estimate: CostEstimate = { usd: 0, unpriced_calls: 0, calls: 0, cached_calls: 0 };
  for (const call of calls) {
    estimate.calls += 1;
    if (cachedKeys.size > 0 && cachedKeys.has(call.cacheKey)) {
      estimate.cached_calls += 1;
      continue;
    }
    const price = priceOf(call);
    const usage = { prompt: promptTokens(call.messages), completion: completionTokens(call), cached: 0 };
    const usd = price === null ? null : costOfCall(price, usage, null);
    if (usd === null) estimate.unpriced_calls += 1;
    else estimate.usd += usd;
  }
  return estimate;
}

/**
 * Refuses a run (or a batch submission) whose estimate exceeds --max-cost-usd, before anything is spent;
 * `what` names the estimate ("estimated cost", "estimated batch cost", …).
 */
export function refuseOverBudget(what: string, usd: number, maxCostUsd: number): void {
  if (usd <= maxCostUsd) return;
  throw new TunegateError(
    'budget-estimate',
    `${what} ${exactUsd(usd)} exceeds --max-cost-usd ${exactUsd(maxCostUsd)}; lower the sample size or raise the budget`,
    { exitCode: ExitCode.runtime },
  );
}
