// Start-up time of the bundled CLI: median wall time of N runs of `--version`, `--help` and
// `validate evals/banking77.yaml`, and the bytes each loads, for this checkout's bundle and, side by side, the
// bundle of an older commit (default: the last single-file bundle, before the split and the compile cache).
// Usage: node bench/startup.mjs [--runs N] [--before REF|none]
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, before: { type: 'string', default: '05552d5' } },
});
const RUNS = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const recordLoads = join(root, 'scripts', 'record-loads.mjs');
const COMMANDS = [['--version'], ['--help'], ['validate', 'evals/banking77.yaml']];

/** A problem with the command line: printed as one line, no stack. */
class UsageError extends Error {}

/** Builds the sources of `ref` (or of this checkout when null) into dir/dist; returns the CLI's path. */
async function buildBundle(ref, dir) {
  let source = root;
  if (ref !== null) {
    source = join(dir, 'src-tree');
    await mkdir(source);
    const archive = spawnSync('git', ['archive', ref, 'src', 'scripts', 'package.json'], {
      cwd: root,
      maxBuffer: 1 << 30,
    });
    if (archive.status !== 0) {
      const reason = archive.stderr.toString().trim();
      throw new UsageError(
        `cannot read commit "${ref}" (${reason}); pass --before REF for another commit, or --before none to measure this checkout only`,
      );
    }
    execFileSync('tar', ['-x', '-C', source], { input: archive.stdout });
    await symlink(join(root, 'node_modules'), join(source, 'node_modules'));
  }
  execFileSync(process.execPath, [join(source, 'scripts', 'build.mjs'), join(dir, 'dist')], { cwd: source });
  return join(dir, 'dist', 'cli.js');
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** No provider keys in the environment: validate asks no provider anything. A private TMPDIR holds the compile cache. */
function environment(cacheDir, compileCache) {
  const env = { PATH: process.env.PATH ?? '', TMPDIR: cacheDir };
  if (!compileCache) env.NODE_DISABLE_COMPILE_CACHE = '1';
  return env;
}

function timeOnce(nodeArgs, env) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, nodeArgs, { cwd: root, env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`node ${nodeArgs.join(' ')} exited ${child.status}: ${child.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function loadedBytes(cli, args, env) {
  const child = spawnSync(process.execPath, ['--import', recordLoads, cli, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const line = child.stderr.split('\n').find((text) => text.startsWith('tunegate-loads '));
  const files = JSON.parse(line?.slice('tunegate-loads '.length) ?? '[]');
  return files.reduce((sum, file) => sum + statSync(file).size, 0);
}

/**
 * Median wall ms of each measurement. Rounds interleave every measurement once, so a load spike from other
 * processes hits all of them alike; one warm-up round first fills the file cache and the compile caches.
 */
function medians(measurements) {
  const times = measurements.map(() => []);
  for (let round = 0; round <= RUNS; round++) {
    measurements.forEach(({ nodeArgs, env }, index) => {
      const ms = timeOnce(nodeArgs, env);
      if (round > 0) times[index].push(ms);
    });
  }
  return times.map(median);
}

const work = await mkdtemp(join(tmpdir(), 'tunegate-startup-'));
try {
  const bundles = [];
  if (values.before !== 'none') {
    const dir = join(work, 'before');
    await mkdir(join(dir, 'tmp'), { recursive: true });
    bundles.push({
      name: `before (${values.before})`,
      cli: await buildBundle(values.before, dir),
      env: environment(join(dir, 'tmp'), true),
    });
  }
  const dir = join(work, 'now');
  await mkdir(join(dir, 'tmp'), { recursive: true });
  const cli = await buildBundle(null, dir);
  bundles.push({ name: 'now, no compile cache', cli, env: environment(join(dir, 'tmp'), false) });
  bundles.push({ name: 'now', cli, env: environment(join(dir, 'tmp'), true) });

  const bareEnv = environment(join(dir, 'tmp'), false);
  const measurements = [{ nodeArgs: ['-e', '0'], env: bareEnv }];
  for (const args of COMMANDS) {
    for (const { cli, env } of bundles) measurements.push({ nodeArgs: [cli, ...args], env });
  }
  const [bare, ...times] = medians(measurements);
  const columns = bundles.map(({ name, cli, env }, column) => ({
    name,
    rows: COMMANDS.map((args, row) => ({
      ms: times[row * bundles.length + column],
      bytes: loadedBytes(cli, args, env),
    })),
  }));

  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(
    `tunegate start-up: median wall time of ${RUNS} interleaved runs (after a warm-up), node ${process.version}`,
  );
  console.log(`bare "node -e 0" in the same rounds: ${bare.toFixed(0)} ms\n`);
  const header = ['command'.padEnd(34), ...columns.map((column) => column.name.padStart(30))].join('');
  console.log(header);
  COMMANDS.forEach((args, index) => {
    const cells = columns.map(({ rows }) => {
      const { ms, bytes } = rows[index];
      return `${ms.toFixed(0)} ms, ${kb(bytes)} loaded`.padStart(30);
    });
    console.log([`tunegate ${args.join(' ')}`.padEnd(34), ...cells].join(''));
  });
  const versionMs = columns.at(-1).rows[0].ms;
  console.log(
    `\ntarget: tunegate --version <= 150 ms: ${versionMs.toFixed(0)} ms (${versionMs <= 150 ? 'met' : 'MISSED'}; ${(versionMs - bare).toFixed(0)} ms above bare node)`,
  );
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`bench/startup: ${error.message}`);
  process.exitCode = 2;
} finally {
  await rm(work, { recursive: true, force: true });
}
