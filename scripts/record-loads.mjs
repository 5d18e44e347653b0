// Preload (`node --import ./scripts/record-loads.mjs …`) that reports which files a process loaded as
// modules: on exit it writes one line `tunegate-loads <json array of absolute paths>` to stderr.
// Used by bench/startup.mjs and by the bundle test that keeps `tunegate --version` small.
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) loaded.add(fileURLToPath(url));
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  process.stderr.write(`tunegate-loads ${JSON.stringify([...loaded])}\n`);
});
