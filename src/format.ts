/** Number formatting shared by the verdict's sentences and every report. */
export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

/** Dollars: 2 significant digits below a cent, cents below $1,000, whole dollars with separators above. */
export function usd(value: number | null): string {
  if (value === null) return 'price unknown';
  if (value === 0) return '$0';
  const sign = value < 0 ? '−' : '';
  const size = Math.abs(value);
  if (size < 0.01) return `${sign}$${size.toPrecision(2)}`;
  if (size < 1000) return `${sign}$${size.toFixed(2)}`;
  return `${sign}$${Math.round(size).toLocaleString('en-US')}`;
}

/** Exact dollars for prices and budgets, up to 4 decimals and no trailing zeros: `$0.0125`, `$2`. */
export function exactUsd(value: number): string {
  return `$${Number(value.toFixed(4))}`;
}

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** A signed difference of proportions in percentage points, e.g. "−2.3 points". */
export function points(value: number, digits = 1): string {
  const text = (Math.abs(value) * 100).toFixed(digits);
  if (Number(text) === 0) return `0.${'0'.repeat(digits)} points`;
  return `${value < 0 ? '−' : '+'}${text} points`;
}
