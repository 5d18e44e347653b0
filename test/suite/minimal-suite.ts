/** A one-case generation suite on a local provider: `variants` (indented YAML) and `extra` top-level keys. */
export const minimal = (variants: string, extra = '') => `name: temp
dataset:
  cases: [{ input: a, expected: b }]
task:
  kind: generation
providers:
  local: { base_url: http://127.0.0.1:8000/v1 }
variants:
${variants}
${extra}`;
