/**
 * Makes untrusted text (model outputs, dataset values, names) safe inside a Markdown table cell or
 * a line of a GitHub comment: no HTML, no closing of <details>, no table breaks, no @mentions,
 * no #references, no code-fence escapes.
 */
export function escapeMarkdownInline(text: string, maxLength = 200): string {
  const clipped = text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
  return clipped
    .replace(/\r?\n|\r/g, ' ⏎ ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1')
    .replace(/@/g, '@\u200b');
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
