// Bundles bench/local-serve.ts (with the sources it imports) and runs it with this same Node. Usage: node bench/local-serve.mjs
import { runBundled } from './run-bundled.mjs';

await runBundled('bench/local-serve.ts');
