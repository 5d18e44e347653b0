import { dayAfter, daysBetween, inDays, monthsOf } from './lifespan.js';
import { cheaperLocalSentence, isLocalOption } from './local-option.js';
import type { DecisionInput, FineTuneOption } from './types.js';

/** The base the fine-tune verdict recommends, and the sentences that explain the choice. */
export interface FineTuneChoice {
  option: FineTuneOption | null;
  /** Why decision.fine_tune_model was refused, and which better-ranked bases were left out. */
  notes: string[];
}

const DATE_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

/** `ft:gpt-4.1-mini-2025-04-14:acme::x` → `gpt-4.1-mini`; `accounts/fireworks/models/llama-v3p1-8b-instruct` → `llama-v3p1-8b-instruct`. */
function comparableBase(model: string): string {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? '') : model;
  return base
    .replace(/^accounts\/[^/]+\/models\//, '')
    .replace(DATE_SUFFIX, '')
    .toLowerCase();
}

function daysLeft(option: FineTuneOption, today: string | undefined): number | null {
  if (option.days_left !== null) return option.days_left;
  return today !== undefined && option.shutdown_date !== null ? daysBetween(today, option.shutdown_date) : null;
}

/** When the platform stopped (or stops) taking new jobs on this base, in words. */
export function trainingEnds(option: FineTuneOption, today: string | undefined): string | null {
  if (option.trainable_until === null) return null;
  const end = dayAfter(option.trainable_until);
  const ended = today !== undefined && today > option.trainable_until;
  if (option.platform === 'openai') return `OpenAI self-serve fine-tuning ${ended ? 'ended' : 'ends'} on ${end}`;
  return `${option.platform} ${ended ? 'stopped' : 'stops'} taking new fine-tuning jobs on ${end}`;
}

/**
 * Why a base cannot be recommended, in words that follow its name: it shut down, new jobs are no
 * longer taken, or it shuts down before a fine-tune could pay back (within decision.payback_months);
 * null when it can.
 */
function whyNotTrainable(option: FineTuneOption, input: DecisionInput): string | null {
  const { today, policy } = input;
  const days = daysLeft(option, today);
  if (days !== null && days <= 0) return `shut down on ${option.shutdown_date}`;
  if (option.trainable_until !== null && today !== undefined && today > option.trainable_until) {
    return `can no longer be trained: ${trainingEnds(option, today)}`;
  }
  if (days === null || option.shutdown_date === null) return null;
  if (monthsOf(days) <= policy.payback_months) {
    return `shuts down on ${option.shutdown_date}, ${inDays(days)}, within the ${policy.payback_months}-month payback horizon (decision.payback_months)`;
  }
  return null;
}

/** A configured backend first, then the cheapest fine-tuned request (unpriced last), then the cheapest training. */
function preference(a: FineTuneOption, b: FineTuneOption): number {
  if (a.configured !== b.configured) return a.configured ? -1 : 1;
  const price = (o: FineTuneOption) => o.per_request_usd ?? Number.POSITIVE_INFINITY;
  if (price(a) !== price(b)) return price(a) - price(b);
  return (a.training_per_1m_usd ?? Number.POSITIVE_INFINITY) - (b.training_per_1m_usd ?? Number.POSITIVE_INFINITY);
}

/** "gpt-4.1-mini, gpt-4o-mini on openai (can no longer be trained: …); … on azure (shuts down on …)": grouped by reason, then platform. */
function leftOutSentence(excluded: { option: FineTuneOption; why: string }[]): string | null {
  if (excluded.length === 0) return null;
  const byReason = new Map<string, Map<string, string[]>>();
  for (const { option, why } of excluded) {
    const byPlatform = byReason.get(why) ?? new Map<string, string[]>();
    byPlatform.set(option.platform, [...(byPlatform.get(option.platform) ?? []), option.base]);
    byReason.set(why, byPlatform);
  }
  const parts = [...byReason].map(([why, byPlatform]) => {
    const names = [...byPlatform].map(([platform, bases]) => `${bases.join(', ')} on ${platform}`);
    return `${names.join(' and ')} (${why})`;
  });
  return `Left out, as they can no longer be fine-tuned in time: ${parts.join('; ')}.`;
}

/**
 * A suite-priced `decision.fine_tune_model` that no known platform offers (a model trained on the
 * team's own GPUs, say): its price is the suite's, its training cost unknown unless given.
 */
function suitePricedTarget(model: string, perRequest: number | null): FineTuneOption | null {
  if (perRequest === null) return null;
  return {
    platform: 'own backend',
    base: model,
    training_per_1m_usd: null,
    per_request_usd: perRequest,
    trainable_until: null,
    shutdown_date: null,
    days_left: null,
    configured: false,
    source: 'suite pricing',
  };
}

/**
 * The local classifier, when another option is recommended although it would cost less per request
 * than every one (and it is not the configured backend already): the team should know the floor exists.
 */
function cheaperLocal(ranked: FineTuneOption[], chosen: FineTuneOption | null): FineTuneOption | null {
  const local = ranked.find(isLocalOption);
  if (!local || local.configured || chosen === null || chosen === local || local.per_request_usd === null) return null;
  const price = local.per_request_usd;
  const others = [chosen, ...ranked].filter((o) => o !== local);
  return others.every((o) => o.per_request_usd === null || o.per_request_usd > price) ? local : null;
}

/**
 * Which base to recommend fine-tuning: never one whose platform no longer takes new jobs, nor one
 * that shuts down within the payback horizon; `decision.fine_tune_model` when it is still
 * trainable, else a configured backend, else the cheapest fine-tuned request.
 */
export function chooseFineTuneOption(input: DecisionInput): FineTuneChoice {
  const options = input.fine_tune_options ?? [];
  const judged = options.map((option) => ({ option, why: whyNotTrainable(option, input) }));
  const trainable = judged.filter((j) => j.why === null).map((j) => j.option);
  const ranked = [...trainable].sort(preference);
  const wanted = input.policy.fine_tune_model;
  const notes: string[] = [];
  let option = ranked[0] ?? null;
  let refused: FineTuneOption[] = [];
  if (wanted !== undefined) {
    const matches = judged.filter((j) => comparableBase(j.option.base) === comparableBase(wanted));
    const usable = ranked.filter((o) => matches.some((m) => m.option === o));
    const custom = matches.length === 0 ? suitePricedTarget(wanted, input.prices.fine_tune_per_request_usd) : null;
    if (usable[0]) option = usable[0];
    else if (custom) option = custom;
    else {
      refused = matches.map((m) => m.option);
      const first = matches[0];
      const why = first
        ? `${first.option.base} on ${first.option.platform} ${first.why}`
        : 'it is not a base tunegate knows can be fine-tuned; price it under pricing:';
      const instead = option ? `recommending ${option.base} on ${option.platform} instead` : 'nothing else qualifies';
      notes.push(`decision.fine_tune_model ${wanted} is not used: ${why}; ${instead}.`);
    }
  }
  // Every base left out is named: a team used to one platform learns why it is not proposed.
  const leftOut = leftOutSentence(
    judged.filter((j): j is { option: FineTuneOption; why: string } => j.why !== null && !refused.includes(j.option)),
  );
  if (leftOut !== null) notes.push(leftOut);
  const local = cheaperLocal(ranked, option);
  if (local !== null) notes.push(cheaperLocalSentence(local, input.policy.monthly_requests));
  return { option, notes };
}
