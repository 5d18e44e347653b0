// Bundles bench/units.ts (with the sources it imports) and runs it with this same Node. Usage: node bench/units.mjs
import { runBundled } from './run-bundled.mjs';

await runBundled('bench/units.ts');
