import { hash32, key, unitHash } from '../hash.js';
import { countMessageTokens, countTokens } from '../providers/tokens.js';
import type { ChatMessage } from '../providers/types.js';
import type { MeasuredFamily } from '../suite/fragility-families.js';
import { AnswerBook, UNKNOWN_INPUT_ANSWER } from './answers.js';
import type { SimConfig, SimFaults, SimModel } from './config.js';
import { generationCount, InputGenerator } from './distill.js';
import { flips, PerturbationRecogniser, RepeatCounter, requestText, temperatureOf } from './fragility.js';
import { rewordingRequest, simulatedRewordings } from './rewordings.js';

export type Fault = 'rate_limited' | 'server_error' | 'reset' | 'slow' | null;

/** OpenAI caches prompts from this many tokens on. */
const MIN_CACHED_PROMPT = 1024;
const DEFAULT_TTFT_FRACTION = 0.4;

export interface SimAnswer {
  text: string;
  /** `generated`: a distillation request answered with new inputs (see distill.ts). */
  outcome: 'correct' | 'wrong' | 'unknown_input' | 'generated';
  /** How many inputs a `generated` answer holds. */
  generated?: number;
  /** The perturbation the request carries (a repeat: the same sampled request again), when recognised. */
  perturbation?: MeasuredFamily;
  /** Whether that perturbation changed the answer from the unperturbed one. */
  flipped?: boolean;
  latencyMs: number;
  ttftMs: number;
  usage: { prompt: number; completion: number; cached: number };
}

/** Everything the simulator decides, as pure deterministic functions of the config and the request. */
export class SimBehaviour {
  private readonly seed: number;
  private readonly book: AnswerBook;
  private readonly faults: Required<SimFaults>;
  /** Models made while the simulator runs (fine-tuning jobs that succeeded). */
  private readonly trainedModels = new Map<string, SimModel>();
  private readonly generator: InputGenerator;
  private readonly recogniser: PerturbationRecogniser;
  private readonly repeats = new RepeatCounter();

  constructor(private readonly config: SimConfig) {
    this.seed = config.seed ?? 1;
    this.book = new AnswerBook(config.cases, this.seed, config.shared_difficulty ?? 0, config.teacher_sources);
    this.generator = new InputGenerator(this.book.teacherSourceIndices, this.seed);
    this.recogniser = new PerturbationRecogniser(this.book, config.prompts ?? []);
    const faults = config.faults ?? {};
    this.faults = {
      rate_429: faults.rate_429 ?? 0,
      rate_500: faults.rate_500 ?? 0,
      rate_reset: faults.rate_reset ?? 0,
      rate_slow: faults.rate_slow ?? 0,
      slow_ms: faults.slow_ms ?? 3000,
      retry_after_ms: faults.retry_after_ms ?? 100,
    };
  }

  get retryAfterMs(): number {
    return this.faults.retry_after_ms;
  }

  get slowMs(): number {
    return this.faults.slow_ms;
  }

  modelNames(): string[] {
    return [...Object.keys(this.config.models), ...this.trainedModels.keys()];
  }

  /** Serves a newly trained model from now on; a model named in the config keeps its configured behaviour. */
  registerModel(name: string, model: SimModel): void {
    if (this.config.models[name] === undefined) this.trainedModels.set(name, model);
  }

  /** The configured behaviour of `name`, if the config or a finished training job names it. */
  modelConfig(name: string): SimModel | undefined {
    return this.config.models[name] ?? this.trainedModels.get(name);
  }

  /**
   * Whether requests for `name` are answered: a configured or trained model, or any model when the config
   * has a catch-all `default_model`. Otherwise the simulator answers 404 `model_not_found`, as a real API
   * does for a misspelt id (so a typo cannot pass an eval or a promotion).
   */
  serves(name: string): boolean {
    return this.modelConfig(name) !== undefined || this.config.default_model !== undefined;
  }

  /** The fault injected into the `requestNumber`-th completion request (0-based), if any. */
  faultFor(requestNumber: number): Fault {
    const f = this.faults;
    if (f.rate_429 + f.rate_500 + f.rate_reset + f.rate_slow === 0) return null;
    let u = unitHash(this.seed, key('fault', requestNumber));
    if (u < f.rate_429) return 'rate_limited';
    u -= f.rate_429;
    if (u < f.rate_500) return 'server_error';
    u -= f.rate_500;
    if (u < f.rate_reset) return 'reset';
    u -= f.rate_reset;
    return u < f.rate_slow ? 'slow' : null;
  }

  /** 500 or 503, alternating deterministically. */
  serverErrorStatus(requestNumber: number): number {
    return unitHash(this.seed, key('status', requestNumber)) < 0.5 ? 500 : 503;
  }

  /** `sampling.temperature`: the request's, which decides whether an identical request may answer differently. */
  answer(modelName: string, messages: readonly ChatMessage[], sampling: { temperature?: unknown } = {}): SimAnswer {
    // Callers check serves() first; a perfect answer is only reached by direct use of this class.
    const model = this.modelConfig(modelName) ?? this.config.default_model ?? { accuracy: 1 };
    const lastUser = lastUserMessage(messages);
    const wanted = generationCount(lastUser);
    const rewording = wanted === null ? rewordingRequest(lastUser) : null;
    const { index, family } =
      wanted === null && rewording === null
        ? this.recogniser.recognise(messages, lastUser)
        : { index: -1, family: null };
    let text: string;
    let completion: number;
    let outcome: SimAnswer['outcome'];
    let generated: number | undefined;
    let perturbation: { family: MeasuredFamily; flipped: boolean } | undefined;
    if (wanted !== null) {
      const inputs = this.generator.generate(wanted, lastUser, (source) => this.book.inputOf(source));
      // Registered before answering, so a labelling request right after gets the source case's answer.
      for (const input of inputs) this.book.addAlias(input.text, input.source);
      text = JSON.stringify(inputs.map((input) => input.text));
      completion = countTokens(text);
      outcome = 'generated';
      generated = inputs.length;
    } else if (rewording !== null) {
      text = simulatedRewordings(rewording.system, rewording.count);
      completion = countTokens(text);
      outcome = 'generated';
    } else if (index < 0) {
      text = UNKNOWN_INPUT_ANSWER;
      completion = countTokens(text);
      outcome = 'unknown_input';
    } else {
      const answers = this.book.answersFor(modelName, model.accuracy);
      text = answers.text[index] ?? '';
      completion = answers.completionTokens(index);
      outcome = answers.correct[index] ? 'correct' : 'wrong';
      perturbation = this.perturbation(modelName, model, index, family, messages, temperatureOf(sampling.temperature));
      if (perturbation?.flipped) {
        const salt = hash32(this.seed, requestText(messages));
        text = this.book.flippedAnswer(modelName, index, text, salt);
        completion = countTokens(text);
        outcome = 'wrong';
      }
    }
    const prompt = countMessageTokens(messages);
    const cachedFraction = model.cached_prompt_fraction ?? 0;
    const cached = prompt >= MIN_CACHED_PROMPT ? Math.floor(prompt * cachedFraction) : 0;
    const latencyMs = this.latencyOf(modelName, model, index < 0 ? lastUser : this.book.inputOf(index));
    const ttftMs = latencyMs * (model.ttft_fraction ?? DEFAULT_TTFT_FRACTION);
    const usage = { prompt, completion, cached };
    return {
      text,
      outcome,
      latencyMs,
      ttftMs,
      usage,
      ...(generated === undefined ? {} : { generated }),
      ...(perturbation === undefined ? {} : { perturbation: perturbation.family, flipped: perturbation.flipped }),
    };
  }

  /**
   * The perturbation a request for a known case carries, and whether it flips the answer. An unperturbed
   * request sampled at temperature > 0 that was seen before is a `repeat`; a perturbed request sent again
   * keeps its answer (its flip is a function of its text).
   */
  private perturbation(
    modelName: string,
    model: SimModel,
    index: number,
    recognised: MeasuredFamily | null,
    messages: readonly ChatMessage[],
    temperature: number,
  ): { family: MeasuredFamily; flipped: boolean } | undefined {
    const text = requestText(messages);
    let family = recognised;
    let repeat = 0;
    // Only a model that may answer a repeat differently counts repeats (the count costs a map entry per request).
    if (family === null && temperature > 0 && (model.fragility?.repeat ?? 0) > 0) {
      repeat = this.repeats.next(modelName, text);
      if (repeat > 0) family = 'repeat';
    }
    if (family === null) return undefined;
    const request = { caseInput: this.book.inputOf(index), text, repeat };
    return { family, flipped: flips(this.seed, { name: modelName, config: model }, family, request) };
  }

  /** latency_ms ± jitter_ms, fixed per (model, input). */
  private latencyOf(modelName: string, model: SimModel, input: string): number {
    const base = model.latency_ms ?? 0;
    const jitter = model.jitter_ms ?? 0;
    if (jitter === 0) return base;
    const u = unitHash(this.seed, key('latency', modelName, input));
    return Math.max(0, base + (2 * u - 1) * jitter);
  }
}

function lastUserMessage(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}
