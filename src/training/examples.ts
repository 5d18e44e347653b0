import { messagePrefix } from '../engine/plan.js';
import { renderTemplate } from '../engine/template.js';
import { TunegateError } from '../errors.js';
import type { ChatMessage } from '../providers/types.js';
import type { ServeFormat } from './serve-format.js';
import type { ExampleSource, PreferenceExample, TrainingExample } from './types.js';

const DEFAULT_TEMPLATE = '{{input}}';

/**
 * The prompt the trained model will be called with, exactly as the engine sends it: the format's system
 * prompt and few-shot turns (if any), then the input rendered through its template.
 */
export function promptMessages(
  format: ServeFormat | undefined,
  input: string,
  fields: Record<string, unknown> = {},
  where = 'training example',
): ChatMessage[] {
  const messages: ChatMessage[] = format ? [...messagePrefix(format)] : [];
  try {
    messages.push({
      role: 'user',
      content: renderTemplate(format?.template ?? DEFAULT_TEMPLATE, { ...fields, input }),
    });
  } catch (error) {
    if (!(error instanceof TunegateError)) throw error;
    const variant = format ? `variant "${format.name}"` : 'the default template';
    throw new TunegateError(error.code, `${where}, ${variant}: ${error.message}`, {
      exitCode: error.exitCode,
      cause: error,
    });
  }
  return messages;
}

export interface TrainingExampleArgs {
  id: string;
  source: ExampleSource;
  input: string;
  output: string;
  label?: string;
  /** How the trained model will be called (system prompt, few-shot turns, template). */
  format: ServeFormat | undefined;
  /** Other dataset fields the template reads (`{{field}}`). */
  fields?: Record<string, unknown>;
}

/** A chat fine-tuning example: system (if any) + rendered user turn + the assistant's output. */
export function toTrainingExample(args: TrainingExampleArgs): TrainingExample {
  const messages = promptMessages(args.format, args.input, args.fields, `training example ${args.id}`);
  messages.push({ role: 'assistant', content: args.output });
  const example: TrainingExample = {
    id: args.id,
    source: args.source,
    input: args.input,
    output: args.output,
    messages,
  };
  if (args.label !== undefined) example.label = args.label;
  return example;
}

/** A DPO pair over the same prompt shape as `toTrainingExample`. */
export function toPreferenceExample(args: {
  id: string;
  input: string;
  preferred: string;
  nonPreferred: string;
  format: ServeFormat | undefined;
  fields?: Record<string, unknown>;
}): PreferenceExample {
  return {
    input: { messages: promptMessages(args.format, args.input, args.fields, `preference pair ${args.id}`) },
    preferred_output: [{ role: 'assistant', content: args.preferred }],
    non_preferred_output: [{ role: 'assistant', content: args.nonPreferred }],
  };
}
