/**
 * `backend: { type: local }`: trains a linear classifier in this process on the chat JSONL every
 * backend gets, writes it content-addressed under .tunegate/models, and answers at once with the
 * succeeded job, whose id and model are the model's `local:` id. No network, no secret.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FineTuneBackend, TrainingJob, TrainingJobSpec } from '../../providers/fine-tune-types.js';
import { readChatExamples } from '../local/chat-examples.js';
import { loadLocalModel, localModelPath, saveLocalModel } from '../local/model.js';
import { trainLocalClassifier } from '../local/train.js';

/** The seed of every local training run: the same training set gives the same model file. */
export const LOCAL_TRAINING_SEED = 1;

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

function percent(share: number | null): string {
  return share === null ? 'no validation split' : `validation accuracy ${(share * 100).toFixed(1)}%`;
}

/**
 * `workspaceRoot` is where .tunegate/models lives (the suite's repository root). The suite's
 * `training.epochs` is not used: early stopping on the validation split decides when to stop.
 */
export function createLocalBackend(workspaceRoot: () => Promise<string>): FineTuneBackend {
  const job = (id: string, message: string): TrainingJob => ({
    backend: 'local',
    id,
    status: 'succeeded',
    model: id,
    events: [{ at: new Date().toISOString(), message }],
  });
  return {
    name: 'local',
    async start(spec: TrainingJobSpec): Promise<TrainingJob> {
      const train = await readChatExamples(spec.training_file);
      const validation = spec.validation_file ? await readChatExamples(spec.validation_file) : [];
      const trained = trainLocalClassifier(train, validation, {
        seed: LOCAL_TRAINING_SEED,
        training_sha256: await sha256Of(spec.training_file),
        validation_sha256: spec.validation_file ? await sha256Of(spec.validation_file) : null,
      });
      const saved = await saveLocalModel(await workspaceRoot(), trained.text, trained.train_ms);
      return job(
        saved.id,
        `trained on ${train.length} examples in ${Math.round(trained.train_ms)} ms, ${trained.epochs_run} epochs, ` +
          `${percent(trained.validation_accuracy)}: ${saved.path}`,
      );
    },
    async status(id: string): Promise<TrainingJob> {
      const model = await loadLocalModel(localModelPath(await workspaceRoot(), id));
      const { metrics } = model;
      return job(
        model.id,
        `${metrics.labels} labels, ${metrics.features} features, trained on ${metrics.train_examples} examples, ` +
          percent(metrics.validation_accuracy),
      );
    },
  };
}
