import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/dataset/load.js';
import { fragilityCalls } from '../../src/fragility/plan.js';
import { loadSuites } from '../../src/suite/load.js';

const LABELS = ['card_arrival', 'pin_blocked', 'refund'];
const SUITE = `name: plan
dataset:
  cases:
    - { id: a, input: "Where is my card, it has not arrived yet?", expected: card_arrival }
    - { id: b, input: "My PIN got blocked after three tries", expected: pin_blocked }
    - { id: c, input: "I would like my money back for {{order}} 1,250.00", expected: refund }
task: { kind: classification, labels: ${JSON.stringify(LABELS)} }
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
  prompted:
    role: prompted
    provider: local
    model: big
    system: "Pick a label.\\nLabels:\\n- card_arrival\\n- pin_blocked\\n- refund"
    examples: [{ input: "card?", output: card_arrival }, { input: "pin?", output: pin_blocked }]
    params: { temperature: 0.7 }
  finetuned: { role: finetuned, provider: local, model: small }
fragility: { sample: 2, seed: 4, per_case: 3, repeats: 2 }
`;

async function plan() {
  const dir = await mkdtemp(path.join(tmpdir(), 'tunegate-fragility-plan-'));
  await writeFile(path.join(dir, 'suite.yaml'), SUITE);
  const { suites } = await loadSuites(['suite.yaml'], { cwd: dir, env: {} });
  const suite = suites[0];
  if (!suite?.fragility) throw new Error('suite did not load');
  const { cases } = await loadCases(suite);
  const rewordings = {
    system: suite.variants[0]?.system ?? '',
    variants: ['Choose one label.\nLabels:\n- card_arrival\n- pin_blocked\n- refund'],
  };
  return { suite, cases, calls: fragilityCalls(suite, cases, suite.fragility, rewordings) };
}

describe('fragilityCalls', () => {
  it('perturbs a seeded sample of cases, the same requests every time, never the expected answer', async () => {
    const first = await plan();
    const second = await plan();
    expect(first.calls.map((c) => c.cacheKey)).toEqual(second.calls.map((c) => c.cacheKey));
    const sampled = new Set(first.calls.map((c) => c.case.id));
    expect(sampled.size).toBe(2);
    for (const call of first.calls) {
      const original = [...first.cases].find((c) => c.id === call.case.id);
      expect(call.case.expected).toBe(original?.expected);
      expect(call.perturbation).toBeDefined();
    }
    // `{{order}}` in an input is text to perturb around, never a template field.
    const braces = first.calls.filter((c) => c.case.id === 'c' && c.perturbation?.family === 'typos');
    for (const call of braces) expect(call.case.input).toContain('{{order}}');
  });

  it('sends prompt perturbations only to a variant that has the prompt, and distinct requests only', async () => {
    const { calls } = await plan();
    const families = (variant: string) =>
      new Set(calls.filter((c) => c.variant.name === variant).map((c) => c.perturbation?.family));
    expect([...families('finetuned')].sort()).toEqual([
      'case',
      'filler',
      'punctuation',
      'repeat',
      'typos',
      'whitespace',
    ]);
    expect(families('prompted').has('instruction')).toBe(true);
    expect(families('prompted').has('label_order')).toBe(true);
    // Two few-shot examples have one other order: asked for 3, each case gets it once.
    const reordered = calls.filter((c) => c.perturbation?.family === 'examples_order');
    expect(reordered).toHaveLength(2);
    expect(reordered[0]?.messages[1]?.content).toBe('pin?');
    // One rewording: one instruction call per case.
    const reworded = calls.filter((c) => c.perturbation?.family === 'instruction');
    expect(reworded.map((c) => c.messages[0]?.content)).toEqual([
      'Choose one label.\nLabels:\n- card_arrival\n- pin_blocked\n- refund',
      'Choose one label.\nLabels:\n- card_arrival\n- pin_blocked\n- refund',
    ]);
    expect(new Set(calls.map((c) => c.cacheKey)).size).toBe(calls.length);
  });

  it('samples repeats of the unperturbed request as separate answers, and interleaves variants by case', async () => {
    const { calls } = await plan();
    const repeats = calls.filter((c) => c.perturbation?.family === 'repeat' && c.variant.name === 'prompted');
    expect(repeats.map((c) => c.sample)).toEqual([1, 2, 1, 2]);
    const firstCase = calls[0]?.case.id;
    const lastOfFirst = calls.findLastIndex((c) => c.case.id === firstCase);
    expect(calls.slice(0, lastOfFirst + 1).every((c) => c.case.id === firstCase)).toBe(true);
    expect(new Set(calls.slice(0, lastOfFirst + 1).map((c) => c.variant.name)).size).toBe(2);
  });
});
