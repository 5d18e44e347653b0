import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { messagePrefix } from '../engine/plan.js';
import { TunegateError } from '../errors.js';
import { platformOf } from '../providers/platform.js';
import { parseSimConfig, type SimConfig, type SimPrompt, startSimulator } from '../sim/index.js';
import type { LocalModels } from '../sim/local-route.js';
import type { SuiteWithCases } from './validate.js';

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

/** Reads a simulator behaviour file (YAML or JSON): models, their accuracy and latency, faults. */
export async function readSimConfigFile(path: string): Promise<Omit<SimConfig, 'cases'>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new TunegateError('sim-config', `${path}:1:1 cannot read the simulator config; check the path`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new TunegateError('sim-config', `${path}:1:1 ${(error as Error).message}`);
  }
  const config = parseSimConfig({ cases: [], ...(raw as object) }, path);
  const { cases: _cases, ...behaviour } = config;
  return behaviour;
}

/**
 * The behaviour without a config file: every model the suites name answers every case correctly, and
 * any other model (`unserved`, e.g. a promotion's candidate, or a typo) answers 404 like the real API.
 */
export function defaultBehaviour(suites: SuiteWithCases[], unserved: readonly string[] = []): Omit<SimConfig, 'cases'> {
  // Local models are answered for real (see local-server.ts), never simulated.
  const simulated = ({ suite }: SuiteWithCases) =>
    suite.variants.filter((variant) => suite.providers[variant.provider]?.local !== true);
  const named = suites.flatMap((entry) => simulated(entry).map((variant) => variant.model));
  const served = named.filter((model) => !unserved.includes(model));
  return { models: Object.fromEntries(served.map((model) => [model, { accuracy: 1 }])) };
}

/**
 * The prompts every variant sends (system prompt, few-shot turns as the requests carry them, template),
 * each once: the simulator recognises a reworded or reordered prompt only against these, as it must
 * judge from what a real API would see.
 */
export function suitePrompts(suites: readonly SuiteWithCases[]): SimPrompt[] {
  const prompts = new Map<string, SimPrompt>();
  for (const { suite } of suites) {
    for (const variant of suite.variants) {
      const prefix = messagePrefix(variant);
      const prompt: SimPrompt = { template: variant.template };
      const system = prefix.find((message) => message.role === 'system')?.content;
      if (system !== undefined) prompt.system = system;
      const turns = prefix.filter((message) => message.role !== 'system');
      if (turns.length > 0) {
        prompt.examples = [];
        for (let i = 0; i + 1 < turns.length; i += 2) {
          prompt.examples.push({ user: turns[i]?.content ?? '', assistant: turns[i + 1]?.content ?? '' });
        }
      }
      prompts.set(JSON.stringify(prompt), prompt);
    }
  }
  return [...prompts.values()];
}

/** The simulator's state (uploaded files, jobs, trained models) in the cache directory. */
export const SIM_STATE_FILE = 'sim-state.json';

/**
 * Starts the simulator on a free loopback port, serving the gold answers of every suite's cases,
 * and points every provider of every suite at it (no API key or header secret is needed or sent). With a
 * cache directory its state is kept in `<cacheDir>/sim-state.json` across commands.
 */
export async function simulateSuites(
  suites: SuiteWithCases[],
  behaviour: Omit<SimConfig, 'cases'>,
  cacheDir?: string,
  localModels?: LocalModels,
): Promise<RunningSimulator> {
  const asSimCase = (c: { input: string; expected: unknown }) => ({ input: c.input, expected: c.expected });
  const cases = suites.flatMap(({ cases }) => Array.from(cases, asSimCase));
  // The train part: a simulated distillation teacher rewords these, as a real one writes text the eval set lacks.
  const teacherSources = suites.flatMap(({ trainable }) => Array.from(trainable, asSimCase));
  // Files, jobs and trained models outlive the command: `train --job` and `promote` find them next time.
  const statePath = cacheDir === undefined ? undefined : join(cacheDir, SIM_STATE_FILE);
  const prompts = [...(behaviour.prompts ?? []), ...suitePrompts(suites)];
  const config = {
    ...behaviour,
    cases,
    prompts,
    ...(teacherSources.length > 0 ? { teacher_sources: teacherSources } : {}),
  };
  const simulator = await startSimulator(config, {
    ...(statePath ? { statePath } : {}),
    ...(localModels ? { localModels } : {}),
  });
  // Same behaviour and gold answers, same responses: cache entries survive the simulator's new port. The
  // suites' prompts and the teacher's sources stay out of the identity: an evaluated request's answer
  // depends on neither, so editing one variant's prompt keeps the others' entries.
  const fingerprint = createHash('sha256').update(JSON.stringify(behaviour)).update(JSON.stringify(cases));
  const identity = `tunegate-simulator:${fingerprint.digest('hex').slice(0, 16)}`;
  const origin = new URL(simulator.url).origin;
  for (const { suite } of suites) {
    const backend = suite.training?.backend;
    // Azure trains on the resource's /openai/v1 routes and deploys through the management API: both simulated.
    const azureProvider = backend?.type === 'azure' ? backend.provider : undefined;
    if (backend?.type === 'azure') {
      backend.deployment.management_url = origin;
      delete backend.deployment.token_env;
    }
    if (backend?.type === 'fireworks') delete backend.api_url;
    for (const [name, provider] of Object.entries(suite.providers)) {
      // The platform stays the real service's (its shutdown dates, its fine-tune prices): the demo behaves like it.
      const platform = platformOf(provider);
      if (platform) provider.platform = platform;
      provider.base_url = name === azureProvider ? `${origin}/openai/v1` : simulator.url;
      provider.cache_identity = identity;
      delete provider.api_key_env;
      delete provider.api_version;
      // Secrets are for the real endpoint; the simulator needs none (and the run may not have them).
      provider.headers = Object.fromEntries(
        Object.entries(provider.headers).filter(([, value]) => typeof value === 'string'),
      );
    }
  }
  return simulator;
}

/**
 * Starts the simulator for these suites: the behaviour file when given, else the suites' own models;
 * with `localModels`, it answers those for real too.
 */
export async function startSuitesSimulator(
  suites: SuiteWithCases[],
  simulate: { configPath?: string; unserved?: string[] },
  cacheDir?: string,
  localModels?: LocalModels,
): Promise<RunningSimulator> {
  const behaviour = simulate.configPath
    ? await readSimConfigFile(simulate.configPath)
    : defaultBehaviour(suites, simulate.unserved);
  return simulateSuites(suites, behaviour, cacheDir, localModels);
}
