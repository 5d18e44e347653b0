import { renderWith } from '../engine/template.js';
import { hash32, key, unitHash } from '../hash.js';
import type { ChatMessage } from '../providers/types.js';
import type { InputFamily, MeasuredFamily, PerturbationFamily } from '../suite/fragility-families.js';
import type { AnswerBook } from './answers.js';
import type { SimModel } from './config.js';
import type { SimPrompt } from './config-fragility.js';
import { KnownPrompts } from './prompt-match.js';

export interface Recognised {
  /** The case asked about, or -1. */
  index: number;
  /** How the request differs from the suite's unperturbed one for that case, or null. */
  family: PerturbationFamily | null;
}

const withoutSpaces = (text: string) => text.replace(/\s+/gu, '');

/**
 * Tells which case a request asks about and which perturbation it carries, from the messages alone (no
 * header or field says so, as with a real API) and what the simulator was configured with: its cases and
 * the suite's prompts. One family per request: a prompt family first, else an input family.
 */
export class PerturbationRecogniser {
  private readonly prompts: KnownPrompts;

  constructor(
    private readonly book: AnswerBook,
    prompts: readonly SimPrompt[],
  ) {
    this.prompts = new KnownPrompts(prompts);
  }

  recognise(messages: readonly ChatMessage[], lastUser: string): Recognised {
    let index = -1;
    let inputFamily: InputFamily | null = null;
    const exact = this.book.findExact(lastUser);
    if (exact) {
      index = exact.index;
      inputFamily = this.spacingAround(lastUser, [this.book.inputOf(exact.index), exact.input]);
    } else {
      const perturbed = this.book.findPerturbed(lastUser);
      if (perturbed) ({ index, family: inputFamily } = perturbed);
    }
    if (index < 0) return { index, family: null };
    return { index, family: this.prompts.family(messages) ?? inputFamily };
  }

  /**
   * Exact lookup trims the input, so spaces added before or after it are seen here: the message is not
   * any known template rendered for the case, but is one up to whitespace. Without templates (or with a
   * template reading other fields) the frame is unknown and nothing is guessed.
   */
  private spacingAround(message: string, inputs: readonly string[]): 'whitespace' | null {
    const rendered = this.prompts.inputTemplates.flatMap((template) =>
      inputs.map((input) => renderWith(template, () => input)),
    );
    if (rendered.length === 0 || rendered.includes(message)) return null;
    const compact = withoutSpaces(message);
    return rendered.some((text) => withoutSpaces(text) === compact) ? 'whitespace' : null;
  }
}

/** A request's full text, as the flip decision and the repeat count see it. */
export function requestText(messages: readonly ChatMessage[]): string {
  return messages.map((message) => key(message.role, message.content)).join('\u0001');
}

/** The request's sampling temperature; absent or not a number: 1, the API's default. */
export function temperatureOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 1;
}

/** Counts identical requests per model, so the k-th repeat of a sampled request can answer differently. */
export class RepeatCounter {
  private readonly seen = new Map<string, number>();

  /** How many identical requests for `model` came before this one (0 the first time). */
  next(model: string, text: string): number {
    // Two 32-bit hashes: a 64-bit key, so thousands of distinct requests do not collide.
    const id = key(model, hash32(1, text), hash32(2, text));
    const before = this.seen.get(id) ?? 0;
    this.seen.set(id, before + 1);
    return before;
  }
}

/**
 * Whether a request perturbed by `family` changes the model's answer: with probability p_family, decided
 * by a hash of (seed, model, case, the request's full text, the repeat number), so the same request always
 * gets the same answer and the share of flipped requests converges to p_family.
 */
export function flips(
  seed: number,
  model: { name: string; config: SimModel },
  family: MeasuredFamily,
  request: { caseInput: string; text: string; repeat: number },
): boolean {
  const probability = model.config.fragility?.[family] ?? 0;
  if (probability <= 0) return false;
  return unitHash(seed, key('flip', family, model.name, request.caseInput, request.text, request.repeat)) < probability;
}
