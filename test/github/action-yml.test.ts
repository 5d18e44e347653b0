import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Input, Output } from '../../src/github/constants.js';

const action = parse(readFileSync(join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8')) as {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: unknown }>;
  outputs: Record<string, { description: string }>;
};

describe('action.yml', () => {
  it('runs the bundled entry on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares exactly the inputs and outputs the code reads and writes', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort());
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort());
  });

  it('gives every input a description and a string default', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/\w/);
      expect(typeof input.default, name).toBe('string');
    }
  });

  it('keeps the history on the tunegate-history branch, 365 runs per suite, by default', () => {
    expect(action.inputs.history?.default).toBe('branch:tunegate-history');
    expect(action.inputs['history-keep']?.default).toBe('365');
    expect(action.inputs.accept?.default).toBe('false');
    expect(action.inputs.history?.description).toContain('contents: write');
  });
});
