// Where a profiled run's CPU time goes: self time from a V8 .cpuprofile, grouped by package or tunegate layer.
// The children are bundles, so each function is mapped back to its original file through the bundle's source map.
import { readdir, readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Origin {
  group: string;
  where: string;
}

/** The package (node_modules/<name>) or tunegate folder (src/<layer>, bench) an original source file belongs to. */
function groupOfSource(source: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
  if (inPackage) return `package ${inPackage[1]}`;
  const inSrc = /\/src\/([^/]+)\//.exec(source);
  if (inSrc) return `tunegate src/${inSrc[1]}`;
  if (source.includes('/bench/')) return 'bench harness';
  return 'other bundled code';
}

function createOriginOf(bundles: Map<string, SourceMap>) {
  const known = new Map<number, Origin>();
  return (node: ProfileNode): Origin => {
    const cached = known.get(node.id);
    if (cached) return cached;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    let origin: Origin;
    if (name === '(garbage collector)') origin = { group: 'garbage collector', where: name };
    else if (name === '(idle)') origin = { group: 'idle', where: name };
    else if (name === '(program)' || name === '(root)') origin = { group: 'V8/native (program)', where: name };
    else if (url.startsWith('node:internal/deps/undici')) origin = { group: 'node fetch (undici)', where: name };
    else if (url.startsWith('node:')) origin = { group: 'node internals', where: `${name} ${url}` };
    else if (url === '') origin = { group: 'V8 builtins', where: name };
    else {
      const entry = bundles.get(url)?.findEntry(lineNumber, columnNumber);
      if (entry && 'originalSource' in entry) {
        const short = entry.originalSource.replace(/^.*?(node_modules\/|src\/|bench\/)/, '$1');
        origin = { group: groupOfSource(entry.originalSource), where: `${name} ${short}:${entry.originalLine + 1}` };
      } else {
        origin = { group: 'other bundled code', where: `${name} ${url}` };
      }
    }
    known.set(node.id, origin);
    return origin;
  };
}

interface Summary {
  busyUs: number;
  byGroup: Map<string, number>;
  byFunction: Map<string, number>;
}

async function loadSourceMaps(bundleDir: string): Promise<Map<string, SourceMap>> {
  const bundles = new Map<string, SourceMap>();
  for (const name of await readdir(bundleDir)) {
    if (!name.endsWith('.mjs.map')) continue;
    const payload = JSON.parse(await readFile(join(bundleDir, name), 'utf8'));
    bundles.set(pathToFileURL(join(bundleDir, basename(name, '.map'))).href, new SourceMap(payload));
  }
  return bundles;
}

/** Self time per origin group and per function, idle excluded. */
async function summarise(path: string, bundles: Map<string, SourceMap>): Promise<Summary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const originOf = createOriginOf(bundles);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const summary: Summary = { busyUs: 0, byGroup: new Map(), byFunction: new Map() };
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const us = profile.timeDeltas[index] ?? 0;
    if (!node) return;
    const origin = originOf(node);
    if (origin.group === 'idle') return;
    summary.busyUs += us;
    summary.byGroup.set(origin.group, (summary.byGroup.get(origin.group) ?? 0) + us);
    summary.byFunction.set(origin.where, (summary.byFunction.get(origin.where) ?? 0) + us);
  });
  return summary;
}

const perCall = (us: number, calls: number) => (us / 1000 / calls).toFixed(4).padStart(7);

/**
 * Where CPU goes in the measured window of the node:http loop and of tunegate (profiles written by the children), as
 * self time per call by origin side by side, then tunegate's top functions.
 */
export async function compareProfiles(floorPath: string, tunegatePath: string, bundleDir: string, calls: number) {
  const bundles = await loadSourceMaps(bundleDir);
  const floor = await summarise(floorPath, bundles);
  const tunegate = await summarise(tunegatePath, bundles);
  const groups = [...new Set([...floor.byGroup.keys(), ...tunegate.byGroup.keys()])].sort(
    (a, b) => (tunegate.byGroup.get(b) ?? 0) - (tunegate.byGroup.get(a) ?? 0),
  );
  const lines = [
    `CPU profile of the measured window, self time in ms per call (${calls} calls; sampled, so a little above the cpuUsage figures):`,
    ' http loop  tunegate  origin',
    ...groups.map(
      (group) =>
        `  ${perCall(floor.byGroup.get(group) ?? 0, calls)}  ${perCall(tunegate.byGroup.get(group) ?? 0, calls)}   ${group}`,
    ),
    `  ${perCall(floor.busyUs, calls)}  ${perCall(tunegate.busyUs, calls)}   total busy`,
    'tunegate, top functions by self time (ms per call):',
    ...[...tunegate.byFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([where, us]) => `  ${perCall(us, calls)}  ${where}`),
  ];
  return lines.join('\n');
}
