import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSimConfigFile } from '../../src/api/simulate.js';
import { TunegateError } from '../../src/errors.js';
import { parseSimConfig } from '../../src/sim/index.js';

function problems(raw: unknown): string {
  try {
    parseSimConfig(raw, 'sim.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(TunegateError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('the fragility section of the simulator config', () => {
  it('reads per-model flip probabilities, fine-tuned models’ fragility and the prompts', () => {
    const config = parseSimConfig(
      {
        models: { prompted: { accuracy: 0.9, fragility: { typos: 0.15, instruction: 0.1, repeat: 0.03 } } },
        default_model: { accuracy: 1, fragility: { case: 0.02 } },
        fine_tuning: { accuracy: 0.93, fragility: { typos: 0.01 } },
        prompts: [{ system: 'Label it.', examples: [{ user: 'hi', assistant: 'greeting' }], template: '{{input}}' }],
      },
      'sim.yaml',
    );
    expect(config.models.prompted?.fragility).toEqual({ typos: 0.15, instruction: 0.1, repeat: 0.03 });
    expect(config.default_model?.fragility).toEqual({ case: 0.02 });
    expect(config.fine_tuning?.fragility).toEqual({ typos: 0.01 });
    expect(config.prompts).toEqual([
      { system: 'Label it.', examples: [{ user: 'hi', assistant: 'greeting' }], template: '{{input}}' },
    ]);
  });

  it('names an unknown family with a suggestion, and every other problem with its key', () => {
    const message = problems({
      models: { m: { accuracy: 1, fragility: { typo: 0.1, case: 2, filler: 'often' } } },
      fine_tuning: { fragility: 0.1 },
      prompts: [{ system: 3, examples: [{ user: 'hi' }], wording: 'x' }, 'plain'],
    });
    expect(message).toContain(
      'models.m.fragility.typo: unknown perturbation family (did you mean "typos"?); families:',
    );
    expect(message).toContain('models.m.fragility.case: must be a number between 0 and 1, got 2');
    expect(message).toContain('models.m.fragility.filler: must be a number between 0 and 1');
    expect(message).toContain('fine_tuning.fragility: must be a map of perturbation family');
    expect(message).toContain('prompts[0].system: must be text');
    expect(message).toContain('prompts[0].examples: must be a list of { user, assistant } turns');
    expect(message).toContain('prompts[0].wording: unknown key');
    expect(message).toContain('prompts[1]: must be an object');
    expect(message).toContain('8 problems');
  });

  it('keeps reading config files written before fragility existed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tunegate-sim-fragility-'));
    try {
      const path = join(dir, 'sim.yaml');
      await writeFile(path, 'seed: 7\nmodels:\n  gpt-5.5: { accuracy: 0.93, latency_ms: 420 }\n');
      expect(await readSimConfigFile(path)).toEqual({
        seed: 7,
        models: { 'gpt-5.5': { accuracy: 0.93, latency_ms: 420 } },
      });
      await writeFile(path, 'models:\n  gpt-5.5:\n    accuracy: 0.93\n    fragility: { typoz: 0.1 }\n');
      await expect(readSimConfigFile(path)).rejects.toThrow(/fragility\.typoz: unknown perturbation family/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
