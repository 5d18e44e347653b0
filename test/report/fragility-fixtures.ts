import type { FamilyFragility } from '../../src/fragility/measure.js';
import type { FragileCase, RunResults, SuiteResult, VariantFragility } from '../../src/report/types.js';
import { comparedResults, metrics, results, variant } from './fixtures.js';

function family(flip_rate: number, accuracy: number, n = 300): FamilyFragility {
  const half = Math.min(flip_rate, 0.03 + flip_rate * 0.25);
  return {
    n,
    n_cases: 100,
    flip_rate,
    flip_rate_ci: [Math.max(0, flip_rate - half), flip_rate + half],
    accuracy,
  };
}

/** A prompted model that a reworded input moves often, as the simulator's demo world makes it. */
export function fragilePrompted(overrides: Partial<VariantFragility> = {}): VariantFragility {
  return {
    n_cases: 100,
    n_calls: 2400,
    n_errors: 0,
    consistency: 0.876,
    consistency_ci: [0.851, 0.899],
    flip_rate: 0.124,
    flip_rate_ci: [0.101, 0.149],
    accuracy_unperturbed: 0.91,
    accuracy_perturbed: 0.842,
    accuracy_perturbed_ci: [0.81, 0.87],
    worst_family: { name: 'instruction', accuracy: 0.78 },
    by_perturbation: {
      typos: family(0.152, 0.83),
      case: family(0.061, 0.88),
      whitespace: family(0.02, 0.9),
      punctuation: family(0.045, 0.89),
      filler: family(0.083, 0.86),
      instruction: family(0.21, 0.78),
      examples_order: family(0.137, 0.82),
      label_order: family(0.164, 0.8),
    },
    cost_usd: 0.52,
    ...overrides,
  };
}

/** A fine-tuned model that has learnt the task: its answers barely move. */
export function steadyFinetuned(overrides: Partial<VariantFragility> = {}): VariantFragility {
  return {
    n_cases: 100,
    n_calls: 2400,
    n_errors: 0,
    consistency: 0.979,
    consistency_ci: [0.969, 0.986],
    flip_rate: 0.021,
    flip_rate_ci: [0.014, 0.031],
    accuracy_unperturbed: 0.905,
    accuracy_perturbed: 0.896,
    accuracy_perturbed_ci: [0.87, 0.92],
    worst_family: { name: 'typos', accuracy: 0.88 },
    by_perturbation: {
      typos: family(0.041, 0.88),
      case: family(0.01, 0.9),
      whitespace: family(0, 0.905),
      punctuation: family(0.007, 0.9),
      filler: family(0.013, 0.9),
      instruction: family(0.03, 0.89),
      examples_order: family(0.017, 0.9),
      label_order: family(0.02, 0.9),
    },
    cost_usd: 0.03,
    ...overrides,
  };
}

export function fragileCase(overrides: Partial<FragileCase> = {}): FragileCase {
  return {
    variant: 'prompted',
    case_id: 'case-17',
    family: 'typos',
    input: 'I want to cancel my card',
    perturbed_input: 'I wnat to cancle my card',
    change: 'typos',
    expected: 'cancel_card',
    answer: 'cancel_card',
    perturbed_answer: 'card_not_working',
    flips: 3,
    calls: 24,
    ...overrides,
  };
}

/** A prompted baseline and a fine-tuned candidate, both measured for fragility and compared, with fragile cases. */
export function fragilityResults(): RunResults {
  const run = comparedResults(2, { flips: 2 });
  const suite = run.suites[0] as SuiteResult;
  const names = Object.keys(suite.variants);
  const [prompted, finetuned] = names as [string, string];
  (suite.variants[prompted] as { fragility?: VariantFragility }).fragility = fragilePrompted();
  (suite.variants[finetuned] as { fragility?: VariantFragility }).fragility = steadyFinetuned();
  const comparison = suite.comparison[finetuned];
  if (comparison) {
    comparison.fragility = {
      n_cases: 100,
      baseline_flip_rate: 0.124,
      candidate_flip_rate: 0.021,
      difference: -0.103,
      difference_ci: [-0.131, -0.076],
    };
  }
  suite.fragile_cases = [
    fragileCase(),
    fragileCase({
      case_id: 'case-42',
      family: 'instruction',
      change: 'system prompt reworded (2 of 3)',
      input: 'where is my refund?',
      perturbed_input: 'where is my refund?',
      expected: 'refund_not_showing_up',
      answer: 'refund_not_showing_up',
      perturbed_answer: 'request_refund',
      flips: 2,
      calls: 24,
    }),
    fragileCase({ variant: finetuned, case_id: 'case-5', flips: 1, calls: 24 }),
  ];
  run.summary = { ...run.summary, spent_usd: 2.41, cost_usd: { evaluation: 1.89, fragility: 0.52 } };
  return run;
}

/** One variant measured on fewer families, without a price. */
export function singleVariantResults(): RunResults {
  const stats = fragilePrompted({ cost_usd: null });
  return results({ prompted: variant({ metrics: metrics(), fragility: stats }) });
}
