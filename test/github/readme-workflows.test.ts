import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/** Every workflow in the README's yaml blocks (blocks with `jobs:`), parsed. */
function readmeWorkflows(): { jobs: Record<string, { steps?: Step[] }> }[] {
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.filter((text) => /^jobs:/m.test(text)).map((text) => parse(text));
}

describe('the README workflow examples', () => {
  const workflows = readmeWorkflows();

  it('are valid YAML workflows that use the Action', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(4);
    for (const workflow of workflows) expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
  });

  it('pass the Action only inputs it declares', () => {
    const used = workflows.flatMap((workflow) =>
      Object.values(workflow.jobs).flatMap((job) =>
        (job.steps ?? [])
          .filter((step) => step.uses?.startsWith('tunegate/tunegate'))
          .flatMap((s) => Object.keys(s.with ?? {})),
      ),
    );
    expect(used).toContain('shard');
    expect(used).toContain('command');
    for (const input of used) expect(Object.keys(action.inputs), input).toContain(input);
  });

  it('download the shard artifacts under the name a shard uploads and where merge looks by default', () => {
    const sharded = workflows.find((w) => JSON.stringify(w).includes('"shard"'));
    const steps = Object.values(sharded?.jobs ?? {}).flatMap((job) => job.steps ?? []);
    const download = steps.find((step) => step.uses?.startsWith('actions/download-artifact'));
    const shardsDefault = (action.inputs.shards as { default: string }).default;
    const artifactDefault = (action.inputs.artifact as { default: string }).default;
    expect(download?.with?.pattern).toBe(`${artifactDefault}-shard-*`);
    expect(`${download?.with?.path}/*`).toBe(shardsDefault);
  });
});
