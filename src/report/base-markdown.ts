import type { BaseSuiteComparison, BaseVariantComparison } from '../decision/types.js';
import { codeSpan, escapeMarkdownInline } from './escape.js';
import { percent, points } from './format.js';
import type { RunResults } from './types.js';

type BaseSection = NonNullable<RunResults['base']>;

function statusCell(v: BaseVariantComparison): string {
  if (v.regression) return '🔻 regression';
  if (v.improved) return '🔺 improved';
  return '= no significant change';
}

function variantRow(v: BaseVariantComparison): string {
  const [low, high] = v.diff_ci;
  return `| ${escapeMarkdownInline(v.variant)} | ${percent(v.base_accuracy)} | ${percent(v.head_accuracy)} | ${points(v.diff)} | ${points(low)} to ${points(high)} | ${v.mcnemar_p_value.toPrecision(3)} | ${v.counts.n10} | ${v.counts.n01} | ${statusCell(v)} |`;
}

function suiteLines(suite: BaseSuiteComparison): string[] {
  const name = `**${escapeMarkdownInline(suite.suite)}**`;
  if (suite.status === 'new') return [`${name}: new suite, nothing to compare on base.`, ''];
  if (suite.status === 'skipped') return [`${name}: skipped (no changed file touches it).`, ''];
  if (suite.variants.length === 0) return [`${name}: no variant exists on both sides.`, ''];
  const paired = suite.variants[0]?.n ?? 0;
  return [
    `${name} · ${paired.toLocaleString('en-US')} cases paired by id`,
    '',
    '| variant | base acc | head acc | Δ | CI | McNemar p | right → wrong | wrong → right | status |',
    '|---|--:|--:|--:|---|--:|--:|--:|---|',
    ...suite.variants.map(variantRow),
    '',
  ];
}

/**
 * The base-vs-head section of the report: one table per compared suite, one line per other suite;
 * with `onlySuite`, just that suite's part (placed inside the suite's own section).
 */
export function renderBaseComparison(base: BaseSection, onlySuite?: string): string[] {
  const ref = codeSpan(base.ref, 100);
  const sha = base.sha.replace(/[^0-9a-f]/gi, '').slice(0, 7);
  const suites = onlySuite === undefined ? base.suites : base.suites.filter((s) => s.suite === onlySuite);
  if (onlySuite !== undefined && suites.length === 0) return [];
  const level = onlySuite === undefined ? '###' : '####';
  return [`${level} Base vs head (${ref} @ ${sha})`, '', ...suites.flatMap(suiteLines)];
}

/** One line for the top of a comment: did the change make any variant worse than on base? */
export function baseStatusLine(base: BaseSection): string {
  if (base.regressions > 0) {
    return `❌ ${base.regressions} ${base.regressions === 1 ? 'regression' : 'regressions'} vs base`;
  }
  return '✅ no regression vs base';
}
