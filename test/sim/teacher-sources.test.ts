import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../src/providers/tokens.js';
import { SimBehaviour } from '../../src/sim/behaviour.js';
import { loadSimCases, type SimCase } from '../../src/sim/index.js';
import { BANKING_200 } from './helpers.js';

let evaluated: SimCase[];
let trainPart: SimCase[];
beforeAll(async () => {
  await loadTokenizer();
  const banking = await loadSimCases(BANKING_200);
  evaluated = banking.slice(0, 50);
  trainPart = banking.slice(50);
});

const user = (content: string) => [{ role: 'user' as const, content }];

describe('teacher sources: the train part a simulated distillation teacher rewords', () => {
  it('keeps the accuracy on the evaluated cases exact when train rows are known too', () => {
    const sim = new SimBehaviour({
      seed: 3,
      cases: evaluated,
      teacher_sources: trainPart,
      models: { m: { accuracy: 0.9 } },
    });
    const right = evaluated.filter((item) => sim.answer('m', user(item.input)).outcome === 'correct');
    expect(right).toHaveLength(45);
    // Train rows are answered like any case (a labelling request for a reworded one needs its source).
    expect(sim.answer('m', user(trainPart[0]?.input ?? '')).outcome).not.toBe('unknown_input');
  });

  it('writes new inputs only from the train part, never from an evaluated case', () => {
    const sim = new SimBehaviour({
      seed: 3,
      cases: evaluated,
      teacher_sources: trainPart,
      models: { m: { accuracy: 1 } },
    });
    const request = 'Write varied inputs. Return a JSON array of 100 new inputs.';
    const inputs = JSON.parse(sim.answer('m', user(request)).text) as string[];
    expect(inputs).toHaveLength(100);
    const strip = (text: string) => text.toLowerCase().replace(/[^a-z0-9 ]/g, '');
    const fromEval = inputs.filter((text) =>
      evaluated.some((item) => strip(text).includes(strip(item.input).slice(0, 25))),
    );
    expect(fromEval).toEqual([]);
    // Without teacher sources, the cases themselves are reworded (the simulator's older behaviour).
    const plain = new SimBehaviour({ seed: 3, cases: evaluated, models: { m: { accuracy: 1 } } });
    const reworded = JSON.parse(plain.answer('m', user(request)).text) as string[];
    expect(
      reworded.some((text) => evaluated.some((item) => strip(text).includes(strip(item.input).slice(0, 25)))),
    ).toBe(true);
  });
});
