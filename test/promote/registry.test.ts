import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TunegateError } from '../../src/errors.js';
import { readRegistryModel, renderRegistryUpdate, updateRegistry } from '../../src/training/registry.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tunegate-registry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MODELS_YAML = `# The models the application serves.
models:
  # Routes support messages.
  intent_router: "gpt-4.1"   # prompted for now
  summarizer: gpt-4.1-mini

flags:
- a
- b
`;

describe('YAML registry', () => {
  it('replaces only the value, keeping comments, quoting and layout', async () => {
    const file = path.join(dir, 'models.yaml');
    await writeFile(file, MODELS_YAML);

    const update = await updateRegistry(file, 'models.intent_router', 'ft:gpt-4.1-nano-2025-04-14:acme:intents:abc');

    expect(update.before).toBe('gpt-4.1');
    expect(update.after).toBe('ft:gpt-4.1-nano-2025-04-14:acme:intents:abc');
    expect(await readFile(file, 'utf8')).toBe(
      MODELS_YAML.replace('"gpt-4.1"', '"ft:gpt-4.1-nano-2025-04-14:acme:intents:abc"'),
    );
    expect(await readRegistryModel(file, 'models.intent_router')).toBe('ft:gpt-4.1-nano-2025-04-14:acme:intents:abc');
  });

  it('keeps a plain scalar plain', () => {
    const { text, before } = renderRegistryUpdate('models.yaml', MODELS_YAML, 'models.summarizer', 'ft:small:1');
    expect(before).toBe('gpt-4.1-mini');
    expect(text).toBe(MODELS_YAML.replace('summarizer: gpt-4.1-mini', 'summarizer: ft:small:1'));
  });

  it('creates missing nested maps under the deepest existing one, at its indentation', () => {
    const { text, before } = renderRegistryUpdate('models.yaml', MODELS_YAML, 'models.routing.v2', 'ft:x');
    expect(before).toBeUndefined();
    expect(text).toBe(
      MODELS_YAML.replace('summarizer: gpt-4.1-mini\n', 'summarizer: gpt-4.1-mini\n  routing:\n    v2: ft:x\n'),
    );
  });

  it('adds a top-level key and fills an empty value', () => {
    const added = renderRegistryUpdate('m.yaml', 'a: 1 # one\n', 'serving.model', 'ft:y').text;
    expect(added).toBe('a: 1 # one\nserving:\n  model: ft:y\n');
    const filled = renderRegistryUpdate('m.yaml', 'model:\nother: 1\n', 'model', 'ft:z').text;
    expect(filled).toBe('model: ft:z\nother: 1\n');
  });

  it('fills a key whose value is still empty, and explains a document that is not a map', () => {
    expect(renderRegistryUpdate('m.yaml', '# registry\nmodels:\n', 'models.router', 'ft:z').text).toBe(
      '# registry\nmodels:\n  router: ft:z\n',
    );
    expect(() => renderRegistryUpdate('m.yaml', '- a\n', 'models.router', 'ft:z')).toThrow(
      /^m\.yaml: cannot set models\.router: /,
    );
  });

  it('writes a new file when the registry does not exist yet', async () => {
    const file = path.join(dir, 'config', 'models.yml');
    expect(await readRegistryModel(file, 'models.router')).toBeUndefined();
    const update = await updateRegistry(file, 'models.router', 'ft:first');
    expect(update.before).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('models:\n  router: ft:first\n');
  });

  it('updates a flow map through the Document API', () => {
    const { text } = renderRegistryUpdate('m.yaml', 'models: { router: a, other: b }\n', 'models.router', 'ft:c');
    expect(text).toBe('models: { router: ft:c, other: b }\n');
  });

  it('reports a YAML syntax error at file:line:col', () => {
    const error = (() => {
      try {
        renderRegistryUpdate('config/models.yaml', 'models:\n  router: [a,\n  other: }\n', 'models.router', 'x');
      } catch (caught) {
        return caught;
      }
    })() as TunegateError;
    expect(error).toBeInstanceOf(TunegateError);
    expect(error.code).toBe('registry');
    expect(error.message).toMatch(/^config\/models\.yaml:\d+:\d+ invalid YAML: /);
    expect(error.problems[0]).toMatchObject({ file: 'config/models.yaml', code: 'yaml' });
  });

  it('refuses a key that holds a map or sits under a scalar', () => {
    expect(() => renderRegistryUpdate('m.yaml', MODELS_YAML, 'models', 'x')).toThrow(
      'm.yaml: models holds a map, not a model id',
    );
    expect(() => renderRegistryUpdate('m.yaml', MODELS_YAML, 'flags', 'x')).toThrow('flags holds a list');
    expect(() => renderRegistryUpdate('m.yaml', MODELS_YAML, 'models.summarizer.v2', 'x')).toThrow(
      'm.yaml: models.summarizer is not a map; cannot set models.summarizer.v2',
    );
    expect(() => renderRegistryUpdate('m.yaml', MODELS_YAML, 'models..x', 'x')).toThrow(/has an empty part/);
  });
});

describe('JSON registry', () => {
  it('updates nested keys, keeping the indentation and the final newline', async () => {
    const file = path.join(dir, 'models.json');
    await writeFile(file, '{\n    "models": {\n        "router": "gpt-4.1"\n    },\n    "version": 3\n}\n');

    const update = await updateRegistry(file, 'models.router', 'ft:r');
    await updateRegistry(file, 'models.fallback.primary', 'gpt-4.1-mini');

    expect(update.before).toBe('gpt-4.1');
    expect(await readFile(file, 'utf8')).toBe(
      '{\n    "models": {\n        "router": "ft:r",\n        "fallback": {\n            "primary": "gpt-4.1-mini"\n        }\n    },\n    "version": 3\n}\n',
    );
    expect(await readRegistryModel(file, 'models.fallback.primary')).toBe('gpt-4.1-mini');
    expect(await readRegistryModel(file, 'models.missing')).toBeUndefined();
  });

  it('reports a JSON syntax error at file:line:col', () => {
    expect(() => renderRegistryUpdate('models.json', '{\n  "a": 1,\n}\n', 'a', 'x')).toThrow(
      /^models\.json:3:1 invalid JSON/,
    );
  });

  it('refuses to set a key under a non-object', () => {
    expect(() => renderRegistryUpdate('models.json', '{"models": "x"}', 'models.router', 'y')).toThrow(
      'models.json: models is not an object; cannot set models.router',
    );
  });
});
