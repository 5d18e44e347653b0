import type { SimBehaviour } from './behaviour.js';
import type { SimConfig } from './config.js';

/**
 * A model object as OpenAI's `GET /v1/models` returns it, with `shutdown_date` when the config gives one
 * (a date, or null: none announced); without it tunegate falls back to its built-in table, as for a
 * provider that does not say.
 */
function modelObject(id: string, config: SimConfig) {
  const shutdown = config.models[id]?.shutdown_date;
  return {
    id,
    object: 'model',
    created: 0,
    owned_by: 'tunegate-simulator',
    ...(shutdown === undefined ? {} : { shutdown_date: shutdown }),
  };
}

/** The body of `GET /v1/models`: every configured model and every model fine-tuning made. */
export function modelList(behaviour: SimBehaviour, config: SimConfig): string {
  return JSON.stringify({ object: 'list', data: behaviour.modelNames().map((id) => modelObject(id, config)) });
}

/**
 * `GET /v1/models/{id}` (ids may hold `/` and `:`, sent raw or percent-encoded): the model, or — as the
 * real API — 404 `model_not_found` for a model it does not serve.
 */
export function retrieveModel(
  encodedId: string,
  behaviour: SimBehaviour,
  config: SimConfig,
): { status: number; body: string } {
  let id: string;
  try {
    id = decodeURIComponent(encodedId);
  } catch {
    id = encodedId;
  }
  if (!behaviour.serves(id)) {
    const message = `The model \`${id}\` does not exist or you do not have access to it (simulated).`;
    const error = { message, type: 'invalid_request_error', param: null, code: 'model_not_found' };
    return { status: 404, body: JSON.stringify({ error }) };
  }
  return { status: 200, body: JSON.stringify(modelObject(id, config)) };
}
