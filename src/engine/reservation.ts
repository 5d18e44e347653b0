import { costOfCall } from '../providers/pricing.js';
import type { TokenUsage } from '../providers/types.js';
import type { PriceSpec, VariantSpec } from '../suite/types.js';
import { completionCap, completionGuess, promptTokenCounter } from './budget.js';
import type { PlannedCall } from './types.js';

/** What the budget says about starting a call now. */
export type Admission = { reserve: number } | 'wait' | 'exhausted';

interface VariantSpend {
  /** Longest completion answered so far; null until the first answer. */
  longest: number | null;
  inFlight: number;
}

/**
 * The budget guard: every call in flight reserves its worst case, and a call starts only while
 * spent + reserved + its own worst case stays within the limit, so the run cannot overspend by more than
 * what one call's worst case underestimates.
 *
 * Worst case = prompt tokens × input price + completion bound × output price. The completion bound is the
 * request's max_tokens (or max_completion_tokens), a true bound. Without one, no bound is known in advance,
 * so it is learnt: a variant's first call runs alone, and later calls reserve twice the longest completion
 * seen so far (at least the estimate's guess). Answers of one task and prompt come out alike in length, so
 * twice the longest covers them while letting many calls run at once.
 */
export class BudgetGuard {
  spent = 0;
  reserved = 0;
  /** Calls holding a reservation. */
  private holding = 0;
  private readonly byVariant = new Map<VariantSpec, VariantSpend>();
  private readonly promptTokens = promptTokenCounter();

  /** `limit` undefined: no budget (everything is admitted, spend is only counted). Needs loadTokenizer(). */
  constructor(
    private readonly limit: number | undefined,
    private readonly priceOf: (call: PlannedCall) => PriceSpec | null,
  ) {}

  admit(call: PlannedCall): Admission {
    if (this.limit === undefined) return { reserve: 0 };
    if (this.spent >= this.limit) return 'exhausted';
    const price = this.priceOf(call);
    if (price === null) return { reserve: 0 }; // unknown price: nothing to hold back, nothing counted
    const cap = completionCap(call);
    const spend = this.variant(call.variant);
    if (cap === null && spend.longest === null && spend.inFlight > 0) return 'wait';
    const completion = cap ?? Math.max(completionGuess(call), 2 * (spend.longest ?? 0));
    const usage = { prompt: this.promptTokens(call.messages), completion, cached: 0 };
    const worst = costOfCall(price, usage, call.suite.providers[call.variant.provider]?.timeout_ms ?? null) ?? 0;
    if (this.spent + this.reserved + worst <= this.limit) return { reserve: worst };
    return this.holding > 0 ? 'wait' : 'exhausted';
  }

  /** Holds `amount` for a call about to start. */
  hold(call: PlannedCall, amount: number): void {
    this.reserved += amount;
    this.holding += 1;
    this.variant(call.variant).inFlight += 1;
  }

  /** Releases a finished call's reservation and counts what it really cost. */
  settle(call: PlannedCall, amount: number, cost: number | null, usage: TokenUsage | null, answered: boolean): void {
    this.holding -= 1;
    // Zero exactly once nothing is held: sums of floats would leave a residue that blocks the last call.
    this.reserved = this.holding === 0 ? 0 : this.reserved - amount;
    const spend = this.variant(call.variant);
    spend.inFlight -= 1;
    if (answered) spend.longest = Math.max(spend.longest ?? 0, usage?.completion ?? 0);
    if (cost !== null) this.spent += cost;
  }

  /** True once spending has reached the limit. */
  get reached(): boolean {
    return this.limit !== undefined && this.spent >= this.limit;
  }

  private variant(variant: VariantSpec): VariantSpend {
    let spend = this.byVariant.get(variant);
    if (!spend) {
      spend = { longest: null, inFlight: 0 };
      this.byVariant.set(variant, spend);
    }
    return spend;
  }
}
