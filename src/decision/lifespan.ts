/** Date arithmetic on the YYYY-MM-DD strings the caller passes in: the decision reads no clock. */

const DAY_MS = 86_400_000;
/** An average month, so that 12 of them make a year. */
export const DAYS_PER_MONTH = 365.25 / 12;

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}

/** The day after `date`: the first day something that lasted until `date` is gone. */
export function dayAfter(date: string): string {
  return new Date((dayNumber(date) + 1) * DAY_MS).toISOString().slice(0, 10);
}

export function monthsOf(days: number): number {
  return days / DAYS_PER_MONTH;
}

/** "in 20 days", "today", "20 days ago". */
export function inDays(days: number): string {
  if (days === 0) return 'today';
  const count = `${Math.abs(days)} day${Math.abs(days) === 1 ? '' : 's'}`;
  return days > 0 ? `in ${count}` : `${count} ago`;
}

/** "6 months", "1.5 months"; under a month in days ("12 days", "1 day"). */
export function monthsText(months: number): string {
  if (months < 1) {
    const days = Math.max(1, Math.round(months * DAYS_PER_MONTH));
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  const rounded = Number(months.toFixed(1));
  return `${rounded} month${rounded === 1 ? '' : 's'}`;
}
