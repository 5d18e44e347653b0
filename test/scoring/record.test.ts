import { describe, expect, it } from 'vitest';
import { scoreRecord } from '../../src/scoring/record.js';
import { buildScorers } from '../../src/scoring/scorers.js';
import { caseRecord } from './records.js';

const classification = { kind: 'classification' as const, labels: ['Card_Arrival', 'refund'] };

describe('scoreRecord', () => {
  it('is correct only when every scorer passes', async () => {
    const scorers = await buildScorers(
      [
        { type: 'exact', normalize: ['trim'] },
        { type: 'regex', pattern: '^[a-z]+$' },
      ],
      { kind: 'generation' },
    );
    const bothPass = await scoreRecord(caseRecord({ output: 'yes', expected: 'yes' }), scorers, {});
    expect(bothPass.correct).toBe(true);
    expect(bothPass.scores.map((score) => score.pass)).toEqual([true, true]);
    const onePasses = await scoreRecord(caseRecord({ output: ' yes ', expected: 'yes' }), scorers, {});
    expect(onePasses.correct).toBe(false);
    expect(onePasses.scores.map((score) => score.pass)).toEqual([true, false]);
    expect(onePasses.predicted_label).toBeUndefined();
    expect(onePasses.case_id).toBe('0');
  });

  it('adds the predicted and gold labels from the labels scorer', async () => {
    const scorers = await buildScorers([{ type: 'labels', normalize: ['trim', 'lowercase'] }], classification);
    const scored = await scoreRecord(
      caseRecord({ output: 'Intent: "card_arrival"', expected: 'card_arrival' }),
      scorers,
      {},
    );
    expect(scored).toMatchObject({ correct: true, predicted_label: 'Card_Arrival', expected_label: 'Card_Arrival' });
    const wrong = await scoreRecord(caseRecord({ output: 'REFUND', expected: 'card_arrival' }), scorers, {});
    expect(wrong).toMatchObject({ correct: false, predicted_label: 'refund', expected_label: 'Card_Arrival' });
  });

  it('never scores an error record', async () => {
    const scorers = await buildScorers([{ type: 'labels', normalize: ['lowercase'] }], classification);
    const failed = await scoreRecord(caseRecord({ output: null, error: 'timeout after 4 attempts' }), scorers, {});
    expect(failed).toMatchObject({
      correct: false,
      scores: [],
      predicted_label: null,
      error: 'timeout after 4 attempts',
    });
    const erroredWithText = await scoreRecord(caseRecord({ output: 'yes', error: 'budget exhausted' }), scorers, {});
    expect(erroredWithText.correct).toBe(false);
    expect(erroredWithText.scores).toEqual([]);
  });

  it('passes dataset fields to custom scorers', async () => {
    const module = new URL('../fixtures/scorers/scorers.js', import.meta.url).href;
    const scorers = await buildScorers([{ type: 'custom', module, export: 'politeInLanguage' }], {
      kind: 'generation',
    });
    const scored = await scoreRecord(caseRecord({ output: 'merci' }), scorers, { lang: 'fr' });
    expect(scored.correct).toBe(true);
  });
});
