// The measured tunegate process, started the way the shipped CLI starts (src/cli/index.ts): a tiny entry turns
// on Node's compile cache, then loads the code-split bundle, so its whole-process figures are the CLI's.
import nodeModule from 'node:module';

nodeModule.enableCompileCache?.();

await import('./tunegate-run.js');
