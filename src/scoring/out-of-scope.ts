import { wilson } from './intervals.js';
import type { OutOfScopeMetrics } from './types.js';

/**
 * Counts, one answered case at a time, how a variant handles the out-of-scope label: how many cases
 * expecting it were answered with it (recall), how the other cases fare (in-scope accuracy), and how
 * many of those were wrongly answered with it (false alarms). Counts only, so shards merge by adding.
 */
export class OutOfScopeCounter {
  private cases = 0;
  private detected = 0;
  private inScopeCases = 0;
  private inScopeCorrect = 0;
  private falseAlarms = 0;

  constructor(private readonly label: string) {}

  add(expected: string, predicted: string, correct: boolean): void {
    if (expected === this.label) {
      this.cases += 1;
      if (predicted === this.label) this.detected += 1;
      return;
    }
    this.inScopeCases += 1;
    if (correct) this.inScopeCorrect += 1;
    if (predicted === this.label) this.falseAlarms += 1;
  }

  /** Undefined when no answered case expects the label: a recall over nothing says nothing. */
  finish(): OutOfScopeMetrics | undefined {
    if (this.cases === 0) return undefined;
    return {
      label: this.label,
      cases: this.cases,
      detected: this.detected,
      recall: this.detected / this.cases,
      recall_ci: wilson(this.detected, this.cases),
      in_scope_cases: this.inScopeCases,
      in_scope_correct: this.inScopeCorrect,
      in_scope_accuracy: this.inScopeCases === 0 ? 0 : this.inScopeCorrect / this.inScopeCases,
      false_alarms: this.falseAlarms,
    };
  }
}
