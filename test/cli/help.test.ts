import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, COMMANDS } from '../../src/cli/help.js';
import { runCli } from '../e2e/helpers.js';

const cwd = process.cwd();

describe('help and flag scoping', () => {
  it.each(COMMAND_NAMES)(
    '`%s --help`, `-h` and `help COMMAND` print that command and every flag it takes',
    async (name) => {
      const outputs = await Promise.all([
        runCli([name, '--help'], { cwd }),
        runCli([name, 'x.yaml', '-h'], { cwd }),
        runCli(['help', name], { cwd }),
      ]);
      for (const { code, stdout, stderr } of outputs) {
        expect(stderr).toBe('');
        expect(code).toBe(0);
        expect(stdout.startsWith(`tunegate ${name} — `)).toBe(true);
        expect(stdout).toContain(`\n  tunegate ${name} `);
        for (const flag of Object.keys(COMMANDS[name].flags)) expect(stdout).toMatch(new RegExp(`\\n  --${flag}\\b`));
      }
      expect(new Set(outputs.map((o) => o.stdout)).size).toBe(1);
    },
  );

  it('keeps the overview on `--help`, `help` and no arguments, listing every command', async () => {
    const outputs = await Promise.all([[], ['help'], ['--help'], ['-h']].map((argv) => runCli(argv, { cwd })));
    for (const { code, stdout } of outputs) {
      expect(code).toBe(0);
      for (const name of COMMAND_NAMES) expect(stdout).toContain(`  tunegate ${name} `);
      expect(stdout).toContain('tunegate COMMAND --help');
    }
  });

  it("rejects another command's flags, saying whose they are", async () => {
    const { code, stderr } = await runCli(['validate', 'a.yaml', '--port', '5', '--follow', '--mode', 'commit'], {
      cwd,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option '--port' for `tunegate validate`: --port is an option of `tunegate sim`/);
    expect(stderr).toMatch(/Run "tunegate validate --help" for its options\./);
    const history = await runCli(['sim', '--history', 'h.jsonl'], { cwd });
    expect(history.stderr).toMatch(/--history is an option of `tunegate run`, `tunegate promote`, `tunegate report`/);
  });

  it.each([
    [['run', 'a.yaml', '--quite'], /Unknown option '--quite' for `tunegate run` \(did you mean "--quiet"\?\)/],
    [
      ['train', 's.yaml', '--job', 'j', '--follw'],
      /Unknown option '--follw' for `tunegate train` \(did you mean "--follow"\?\)/,
    ],
    [['report', '--histroy', 'h'], /\(did you mean "--history"\?\)/],
    [['rnu', 'a.yaml'], /unknown command "rnu" \(did you mean "run"\?\)/],
    [['valdiate'], /unknown command "valdiate" \(did you mean "validate"\?\)/],
    [['help', 'promte'], /unknown command "promte" \(did you mean "promote"\?\)/],
    [['run', 'a.yaml', '--zzzzzz'], /Unknown option '--zzzzzz' for `tunegate run`\n/],
    [['run', 'a.yaml', '-q'], /Unknown option '-q' for `tunegate run`\n/],
  ])('suggests the closest name for %j', async (argv, message) => {
    const { code, stderr } = await runCli(argv, { cwd });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
