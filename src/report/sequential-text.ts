import { percent, points, usd } from '../format.js';
import type { SuiteResult } from './types.js';

/**
 * The one line a sequential suite's reports carry, e.g. "stopped at look 2 of 5: non-inferior; 1,840 of
 * 4,600 calls (60% saved, ~$3.10); adjusted 97.9% interval −1.2 to +2.4 points". Null for a fixed run.
 */
export function sequentialLine(suite: SuiteResult): string | null {
  const s = suite.sequential;
  if (!s) return null;
  const planned = s.calls_evaluated + s.calls_saved;
  const share = planned === 0 ? 0 : s.calls_saved / planned;
  const money = s.usd_saved === null ? '' : `, ~${usd(s.usd_saved)}`;
  const { low, high, level } = s.adjusted_interval;
  const interval = `${percent(level)} interval ${points(low).replace(' points', '')} to ${points(high)}`;
  return (
    `stopped at look ${s.stopped_at_look} of ${s.looks_planned}: ${s.stopped_because}; ` +
    `${s.calls_evaluated.toLocaleString('en-US')} of ${planned.toLocaleString('en-US')} calls ` +
    `(${percent(share, 0)} saved${money}); adjusted ${interval}`
  );
}
