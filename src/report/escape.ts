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
