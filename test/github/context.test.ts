import { describe, expect, it } from 'vitest';
import { outsidePathPolicy } from '../../src/github/context.js';

describe('outsidePathPolicy', () => {
  it('refuses paths outside the workspace on events that run with secrets for others’ changes', () => {
    expect(outsidePathPolicy('pull_request_target')).toBe('never');
    expect(outsidePathPolicy('workflow_run')).toBe('never');
    for (const event of ['pull_request', 'push', 'schedule', 'workflow_dispatch', '']) {
      expect(outsidePathPolicy(event)).toBe('suite');
    }
  });
});
