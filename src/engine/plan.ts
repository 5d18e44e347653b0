import type { CaseSource } from '../dataset/source.js';
import type { Case } from '../dataset/types.js';
import { TunegateError } from '../errors.js';
import type { ChatMessage } from '../providers/types.js';
import type { LoadedSuite, VariantSpec } from '../suite/types.js';
import { endpointOf, prefixKeyer } from './cache-key.js';
import { readField, renderWith, templateFields } from './template.js';
import type { PerturbationTag, PlannedCall } from './types.js';

export { cacheKey, canonicalJson } from './cache-key.js';
export { renderTemplate, templateFields } from './template.js';

export interface SuiteCases {
  suite: LoadedSuite;
  cases: CaseSource;
}

/** The calls of a run, produced lazily; iterable any number of times, each time in the same order. */
export interface Plan extends Iterable<PlannedCall> {
  readonly size: number;
}

// The system prompt and few-shot turns are built once per variant and shared by every call of it.
/** What shapes a variant's prompt: system prompt, few-shot examples, template. */
export type PromptShape = Pick<VariantSpec, 'system' | 'examples' | 'template'>;

const prefixes = new WeakMap<PromptShape, ChatMessage[]>();

/**
 * Few-shot turns: each example input goes through the variant's template with `{{input}}` = example input.
 * A template that reads other dataset fields cannot be filled from an example ({input, output} only), so the
 * example input is then used verbatim as the whole user turn.
 */
function exampleTurn(variant: PromptShape, input: string): string {
  const onlyInput = templateFields(variant.template).every((field) => field === 'input');
  return onlyInput ? renderWith(variant.template, () => input) : input;
}

/** System prompt (if any) and few-shot examples as user/assistant turns: what every request of the shape starts with. */
export function messagePrefix(variant: PromptShape): ChatMessage[] {
  const known = prefixes.get(variant);
  if (known) return known;
  const prefix: ChatMessage[] = [];
  if (variant.system !== undefined && variant.system !== '') prefix.push({ role: 'system', content: variant.system });
  for (const example of variant.examples) {
    prefix.push({ role: 'user', content: exampleTurn(variant, example.input) });
    prefix.push({ role: 'assistant', content: example.output });
  }
  prefixes.set(variant, prefix);
  return prefix;
}

function userMessage(variant: VariantSpec, testCase: Case): ChatMessage {
  try {
    const content = renderWith(
      variant.template,
      (field) => (field === 'input' ? testCase.input : readField(testCase.fields, field)),
      () => ['input', ...Object.keys(testCase.fields)],
    );
    return { role: 'user', content };
  } catch (error) {
    if (!(error instanceof TunegateError)) throw error;
    throw new TunegateError(
      error.code,
      `variant "${variant.name}", case ${testCase.id} (line ${testCase.line}): ${error.message}`,
      { exitCode: error.exitCode, cause: error },
    );
  }
}

/** System prompt (if any), few-shot examples as user/assistant pairs, then the case's user message. */
export function buildMessages(variant: VariantSpec, testCase: Case): ChatMessage[] {
  return [...messagePrefix(variant), userMessage(variant, testCase)];
}

function providerOf(suite: LoadedSuite, variant: VariantSpec) {
  const provider = suite.providers[variant.provider];
  if (!provider) {
    throw new TunegateError(
      'unknown-provider',
      `${suite.file}: variant "${variant.name}" names provider "${variant.provider}", which is not under providers:`,
    );
  }
  return provider;
}

type KeyFor = ReturnType<typeof prefixKeyer>;

/**
 * A planned call whose cache key is hashed on first read: a run without a response cache never reads it,
 * so it never pays for hashing every request.
 */
class LazyKeyedCall implements PlannedCall {
  readonly suite: LoadedSuite;
  readonly variant: VariantSpec;
  readonly case: Case;
  readonly messages: ChatMessage[];
  readonly sample: number;
  readonly perturbation?: PerturbationTag;
  #cacheKey: string | null = null;
  readonly #keyFor: KeyFor;
  readonly #last: ChatMessage;

  constructor(
    suite: LoadedSuite,
    variant: VariantSpec,
    testCase: Case,
    request: { prefix: ChatMessage[]; last: ChatMessage; sample: number },
    keyFor: KeyFor,
    perturbation?: PerturbationTag,
  ) {
    this.suite = suite;
    if (perturbation) this.perturbation = perturbation;
    this.variant = variant;
    this.case = testCase;
    this.messages = [...request.prefix, request.last];
    this.sample = request.sample;
    this.#last = request.last;
    this.#keyFor = keyFor;
  }

  get cacheKey(): string {
    this.#cacheKey ??= this.#keyFor(this.#last, this.sample);
    return this.#cacheKey;
  }
}

/**
 * One call outside the regular plan: a variant (possibly with a changed prompt) on a case (possibly with a
 * changed input), e.g. a fragility call. Its cache key covers exactly what is sent, like every call's.
 */
export function singleCall(
  suite: LoadedSuite,
  variant: VariantSpec,
  testCase: Case,
  options: { sample?: number; perturbation?: PerturbationTag } = {},
): PlannedCall {
  const prefix = messagePrefix(variant);
  const keyFor = prefixKeyer(endpointOf(providerOf(suite, variant)), variant.model, prefix, variant.params);
  const request = { prefix, last: userMessage(variant, testCase), sample: options.sample ?? 0 };
  return new LazyKeyedCall(suite, variant, testCase, request, keyFor, options.perturbation);
}

export interface PlanOptions {
  /** Requests per case and variant (default 1); repeats are numbered by `PlannedCall.sample`. */
  samples?: number;
}

function* generatePlan(suites: SuiteCases[], samples: number): Generator<PlannedCall> {
  for (const { suite, cases } of suites) {
    const planners = suite.variants.map((variant) => {
      const prefix = messagePrefix(variant);
      const provider = providerOf(suite, variant);
      return {
        variant,
        prefix,
        keyFor: prefixKeyer(endpointOf(provider), variant.model, prefix, variant.params),
      };
    });
    // Variants interleave per case (and per sample) so a run stopped midway still has paired data.
    for (const testCase of cases) {
      const users = planners.map(({ variant }) => userMessage(variant, testCase));
      for (let sample = 0; sample < samples; sample++) {
        for (const [i, { variant, prefix, keyFor }] of planners.entries()) {
          const last = users[i] as ChatMessage;
          yield new LazyKeyedCall(suite, variant, testCase, { prefix, last, sample }, keyFor);
        }
      }
    }
  }
}

function samplesOf(options: PlanOptions): number {
  const samples = options.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1)
    throw new RangeError(`samples must be a whole number ≥ 1, got ${samples}`);
  return samples;
}

/**
 * Every call of a run (suites × cases × samples × variants), generated on demand so a 100k-case run never holds
 * all planned calls at once. Order: suite by suite; within a suite case0/v1, case0/v2, case1/v1, … (with
 * samples: case0/s0/v1, case0/s0/v2, case0/s1/v1, …).
 */
export function iteratePlan(suites: SuiteCases[], options: PlanOptions = {}): Plan {
  const samples = samplesOf(options);
  const size = suites.reduce((sum, { suite, cases }) => sum + cases.length * suite.variants.length * samples, 0);
  return { size, [Symbol.iterator]: () => generatePlan(suites, samples) };
}

/** The whole plan as an array (convenient for small runs and tests). */
export function planCalls(suites: SuiteCases[], options: PlanOptions = {}): PlannedCall[] {
  return [...generatePlan(suites, samplesOf(options))];
}
