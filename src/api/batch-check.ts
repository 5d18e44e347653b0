import { estimateCost, refuseOverBudget } from '../engine/budget.js';
import { effectiveCacheMode } from '../engine/cache-mode.js';
import type { CacheMode, PlannedCall } from '../engine/types.js';
import { TunegateError } from '../errors.js';
import { priceQueryOf, resolvePrice } from '../providers/pricing.js';
import type { ProviderSpec } from '../suite/types.js';
import type { SuiteWithCases } from './validate.js';

/**
 * Batch calls cost half the synchronous price unless the provider's `batch_discount` says otherwise. OpenAI bills
 * batches at 50% of the synchronous price (https://platform.openai.com/docs/guides/batch, "50% lower costs");
 * Together gives "up to 50% off serverless rates", on selected models only
 * (https://docs.together.ai/docs/inference/batch/overview): set `batch_discount` for a model it discounts less.
 */
export const DEFAULT_BATCH_DISCOUNT = 0.5;

export function batchDiscountOf(provider: Pick<ProviderSpec, 'batch_discount'>): number {
  return provider.batch_discount ?? DEFAULT_BATCH_DISCOUNT;
}

/**
 * Refuses `--batch` before anything is uploaded where it cannot work: answers are collected into the response
 * cache, so the cache must be read and written; the cost is reported at the batch price, so every model's price
 * must be known; Azure's batch deployments take other routes.
 */
export function checkBatchable(
  suites: readonly SuiteWithCases[],
  cache: { cacheDir?: string; cacheMode?: CacheMode },
): void {
  const mode = effectiveCacheMode(cache);
  if (mode !== 'use') {
    throw new TunegateError(
      'batch-cache',
      `--batch collects answers into the response cache, which this run ${mode === 'off' ? 'does not use' : 'does not read (--cache refresh)'}; drop --cache ${mode} / --no-cache`,
    );
  }
  for (const { suite } of suites) {
    for (const variant of suite.variants) {
      const provider = suite.providers[variant.provider];
      if (provider?.api_version !== undefined) {
        throw new TunegateError(
          'batch-provider',
          `${suite.file}: variant "${variant.name}" uses provider "${variant.provider}" with api_version (Azure OpenAI), whose batch deployments --batch does not support; run without --batch`,
        );
      }
      if (resolvePrice(priceQueryOf(suite, variant), suite.pricing).price === null) {
        throw new TunegateError(
          'batch-price',
          `${suite.file}: variant "${variant.name}": the price of model "${variant.model}" is unknown, so its batch price is too; add it under pricing: (--batch reports what batches cost)`,
        );
      }
    }
  }
}

/**
 * Refuses to submit when the calls, estimated as a synchronous run estimates them and priced at each provider's
 * batch price, would cost more than `--max-cost-usd` (exit 3, nothing submitted).
 */
export async function checkBatchBudget(
  groups: ReadonlyMap<string, readonly PlannedCall[]>,
  providers: ReadonlyMap<string, ProviderSpec>,
  maxCostUsd: number,
): Promise<void> {
  let usd = 0;
  for (const [group, calls] of groups) {
    const discount = batchDiscountOf(providers.get(group) ?? {});
    usd += (await estimateCost(calls)).usd * (1 - discount);
  }
  refuseOverBudget('estimated batch cost', usd, maxCostUsd);
}
