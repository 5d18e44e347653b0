/**
 * Makes untrusted text (model outputs, dataset values, names) safe inside a Markdown table cell or
 * a line of a GitHub comment: no control characters or bidi overrides, no HTML, no closing of
 * <details>, no table breaks, no @mentions, no #references, no code-fence escapes.
 */
export function escapeMarkdownInline(text: string, maxLength = 200): string {
  return stripControl(clip(text, maxLength).replace(/\r?\n|\r/g, ' ⏎ '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1')
    .replace(/@/g, '@\u200b');
}

/**
 * Untrusted text as a Markdown code span, which shows it literally: only what would end the span
 * (a backtick), break a table row (`|`) or the line, and control characters are removed.
 */
export function codeSpan(text: string, maxLength = 200): string {
  return `\`${stripControl(clip(text, maxLength)).replace(/[`|\n]/g, '')}\``;
}

function clip(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/**
 * Control characters (C0 except tab and newline, DEL, C1 — which covers ANSI escapes and the
 * workflow-command `::` lines smuggled after a newline), NUL, bidi overrides and isolates. Text from
 * data (names, model ids, outputs, error messages) is passed through `stripControl` before it is
 * printed to a terminal, a CI log, a comment or a summary.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Removes control characters and bidi overrides; with `singleLine`, newlines become a visible ⏎. */
export function stripControl(text: string, options: { singleLine?: boolean } = {}): string {
  const cleaned = text.replace(CONTROL, '');
  return options.singleLine ? cleaned.replace(/\n/g, ' ⏎ ') : cleaned;
}

/**
 * Text for a terminal or a CI log: control characters stripped, and what a GitHub runner would read as
 * a workflow command broken by a zero-width space — `::` at the start of a line (the runner trims
 * leading whitespace first) and the legacy `##[`, which it finds anywhere in a line. With
 * `singleLine`, newlines become a visible ⏎, so data cannot start a line of its own.
 */
export function forLog(text: string, options: { singleLine?: boolean } = {}): string {
  return stripControl(text, options)
    .split('\n')
    .map((line) => line.replace(/^(\s*):(?=:)/u, '$1:\u200b').replaceAll('##[', '##\u200b['))
    .join('\n');
}

/** Text from a model or a dataset on one console line. */
export const oneLine = (text: string): string => forLog(text, { singleLine: true });

/** A URL from data as a Markdown link destination: http(s) only, with nothing left that could end the link. */
export function linkTarget(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(
    /[()<>\s\\]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}
