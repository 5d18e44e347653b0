import type { TrainingBackendSpec } from '../suite/types.js';
import { type EvalCaseRecord, readSuiteRecords } from './collect.js';
import { toPreferenceExample } from './examples.js';
import type { ServeFormat } from './serve-format.js';
import type { PreferenceExample } from './types.js';

export interface PreferenceSourceOptions {
  suite: string;
  baseline: string;
  candidate: string;
  format: ServeFormat | undefined;
  /**
   * Whether a case may be trained on (the holdout's train part, or outside the evaluated sample): no pair comes
   * from any other. A pair would teach the model the gate's own answers, and decontamination would drop it anyway.
   */
  mayTrain: (caseId: string) => boolean;
}

/**
 * DPO pairs from one run's cases.jsonl, on training rows only (never an evaluated or held-out eval case): where the
 * baseline got a case right and the candidate got it wrong (with an answer, not an error, and a different one),
 * the baseline's output is preferred over the candidate's.
 */
export async function preferencePairsFromEval(
  casesJsonlPath: string,
  options: PreferenceSourceOptions,
): Promise<PreferenceExample[]> {
  const baselineRight = new Map<string, EvalCaseRecord>();
  const candidateWrong = new Map<string, EvalCaseRecord>();
  await readSuiteRecords(casesJsonlPath, options.suite, (record) => {
    if (record.output === null || !options.mayTrain(record.case_id)) return;
    if (record.variant === options.baseline && record.correct) baselineRight.set(record.case_id, record);
    if (record.variant === options.candidate && !record.correct) candidateWrong.set(record.case_id, record);
  });
  const pairs: PreferenceExample[] = [];
  for (const [caseId, preferred] of baselineRight) {
    const rejected = candidateWrong.get(caseId);
    if (!rejected || rejected.output === null || rejected.output === preferred.output) continue;
    pairs.push(
      toPreferenceExample({
        id: caseId,
        input: preferred.input,
        preferred: preferred.output as string,
        nonPreferred: rejected.output,
        format: options.format,
      }),
    );
  }
  return pairs;
}

/**
 * Why a backend cannot run a DPO job from tunegate, or undefined when it can. Only OpenAI's API is driven with
 * `method: { type: 'dpo' }`; Together (`training_method: "dpo"`), Fireworks (its own DPO job resource) and Azure
 * OpenAI (preview API versions) document DPO in other shapes that tunegate does not send yet, and a dispatched
 * workflow or webhook receives the supervised set only.
 */
export function dpoUnsupported(backend: TrainingBackendSpec): string | undefined {
  if (backend.type === 'openai' && backend.api === 'openai') return undefined;
  const name = backend.type === 'openai' ? `openai (api: ${backend.api})` : backend.type;
  return (
    `training.method dpo runs only on the openai backend (OpenAI's fine-tuning API), not on ${name}; ` +
    'set training.method: sft, or train on an openai backend'
  );
}
