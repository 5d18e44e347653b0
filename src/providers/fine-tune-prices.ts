import type { Platform, PriceSpec } from '../suite/types.js';
import type { TokenPrice } from './genai-prices.js';
import { sameModelKey } from './model-ids.js';

/** One place a base can be fine-tuned: what training costs and what the fine-tuned model then costs. */
export interface FineTuneOffer {
  platform: Platform;
  /** Id to train from on that platform. */
  base: string;
  /** USD per 1M trained tokens (examples × epochs). */
  training_per_1m_usd: number;
  /** The fine-tuned model's inference, USD per 1M tokens. */
  inference: TokenPrice;
  /** Last day new jobs are accepted; null when no end is announced. */
  trainable_until: string | null;
  /** The base's shutdown (its fine-tunes stop the same day), when announced. */
  shutdown_date: string | null;
  /** Where the figures come from and when they were checked: `built-in ft table (as of DATE): URL`. */
  source: string;
}

interface TableRow extends Omit<FineTuneOffer, 'source'> {
  /** Day the figures were checked against `url`. */
  as_of: string;
  url: string;
}

/** OpenAI ends self-serve fine-tuning for everyone on 2027-01-06: the 5th is the last day to start a job. */
const OPENAI_LAST_TRAINING_DAY = '2027-01-05';
/** OpenAI's deprecations page: these snapshots, and every fine-tune built on them, shut down on 2027-01-14. */
const OPENAI_GPT4_SHUTDOWN = '2027-01-14';

/**
 * What price databases lack: training and fine-tuned inference per fine-tunable base, per platform.
 * Azure OpenAI and Together are absent on purpose: their per-token figures could not be verified
 * (Azure bills fine-tuned deployments per hosting hour as well; Together serves fine-tunes on dedicated
 * endpoints billed per minute). Price those with the suite's `pricing:` and `decision.training_cost_usd`.
 */
const TABLE: readonly TableRow[] = [
  // OpenAI fine-tuning prices, "GPT-4.1 — Fine-tuning price": training $25, input $3, cached $0.75, output $12.
  {
    platform: 'openai',
    base: 'gpt-4.1-2025-04-14',
    training_per_1m_usd: 25,
    inference: { input: 3, cached_input: 0.75, output: 12 },
    trainable_until: OPENAI_LAST_TRAINING_DAY,
    shutdown_date: OPENAI_GPT4_SHUTDOWN,
    as_of: '2026-12-02',
    url: 'https://openai.com/api/pricing/',
  },
  // "GPT-4.1 mini — Fine-tuning price": training $5, input $0.80, cached $0.20, output $3.20.
  {
    platform: 'openai',
    base: 'gpt-4.1-mini-2025-04-14',
    training_per_1m_usd: 5,
    inference: { input: 0.8, cached_input: 0.2, output: 3.2 },
    trainable_until: OPENAI_LAST_TRAINING_DAY,
    shutdown_date: OPENAI_GPT4_SHUTDOWN,
    as_of: '2026-12-02',
    url: 'https://openai.com/api/pricing/',
  },
  // GPT-4o: training $25, input $3.75, output $15 (no published cached rate found: cached tokens bill at input).
  {
    platform: 'openai',
    base: 'gpt-4o-2024-08-06',
    training_per_1m_usd: 25,
    inference: { input: 3.75, output: 15 },
    trainable_until: OPENAI_LAST_TRAINING_DAY,
    shutdown_date: OPENAI_GPT4_SHUTDOWN,
    as_of: '2026-12-02',
    url: 'https://tokonomics.ca/blog/llm-fine-tuning-costs-guide',
  },
  // GPT-4o mini: training $3, input $0.30, cached $0.15, output $1.20.
  {
    platform: 'openai',
    base: 'gpt-4o-mini-2024-07-18',
    training_per_1m_usd: 3,
    inference: { input: 0.3, cached_input: 0.15, output: 1.2 },
    trainable_until: OPENAI_LAST_TRAINING_DAY,
    shutdown_date: OPENAI_GPT4_SHUTDOWN,
    as_of: '2026-12-02',
    url: 'https://pecollective.com/tools/gpt-4o-mini-pricing',
  },
  // Fireworks SFT, models up to 16B: training $0.50; fine-tuned (LoRA) models serve at the base's
  // serverless rate, $0.20 in / out for up to 16B. (Dedicated deployments bill per GPU-second instead.)
  {
    platform: 'fireworks',
    base: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
    training_per_1m_usd: 0.5,
    inference: { input: 0.2, output: 0.2 },
    trainable_until: null,
    shutdown_date: null,
    as_of: '2026-12-02',
    url: 'https://fireworks.ai/pricing',
  },
  // Fireworks SFT, Qwen3 8B (up to 16B): the same bracket.
  {
    platform: 'fireworks',
    base: 'accounts/fireworks/models/qwen3-8b',
    training_per_1m_usd: 0.5,
    inference: { input: 0.2, output: 0.2 },
    trainable_until: null,
    shutdown_date: null,
    as_of: '2026-12-02',
    url: 'https://fireworks.ai/pricing',
  },
];

/** The name a table's figures go by in results and reports. */
export function fineTuneTableSource(asOf: string): string {
  return `built-in ft table (as of ${asOf})`;
}

const OFFERS: readonly FineTuneOffer[] = TABLE.map(({ as_of, url, ...offer }) => ({
  ...offer,
  source: `${fineTuneTableSource(as_of)}: ${url}`,
}));

/** Every built-in place a base can be fine-tuned, with its prices and dates. */
export function fineTuneOffers(): readonly FineTuneOffer[] {
  return OFFERS;
}

/** The built-in offer for a base on a platform; null when the table does not have it. */
export function fineTuneOffer(platform: Platform | null, base: string): FineTuneOffer | null {
  if (platform === null) return null;
  const key = sameModelKey(base);
  return OFFERS.find((offer) => offer.platform === platform && sameModelKey(offer.base) === key) ?? null;
}

/** The date part of an offer's source, for naming it in results. */
export function offerPriceSource(offer: FineTuneOffer): string {
  return offer.source.slice(0, offer.source.indexOf(': '));
}

/** Batch discounts where the platform documents one, with where it says so. */
const BATCH_DISCOUNTS: Partial<Record<Platform, { fraction_off: number; source: string }>> = {
  // OpenAI Batch API: 50% off input and output, results within 24 hours.
  openai: {
    fraction_off: 0.5,
    source: `${fineTuneTableSource('2026-12-02')}: https://platform.openai.com/docs/pricing`,
  },
};

/** A token price as billed through the platform's batch API; null when no batch discount is documented. */
export function batchPrice(price: PriceSpec, platform: Platform | null): { price: PriceSpec; source: string } | null {
  const discount = platform === null ? undefined : BATCH_DISCOUNTS[platform];
  if (!discount || 'per_hour' in price) return null;
  const keep = 1 - discount.fraction_off;
  const cached = price.cached_input === undefined ? {} : { cached_input: price.cached_input * keep };
  return { price: { input: price.input * keep, ...cached, output: price.output * keep }, source: discount.source };
}
