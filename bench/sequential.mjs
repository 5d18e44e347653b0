// Bundles bench/sequential.ts (with the sources it imports) and runs it with this same Node. Usage: node bench/sequential.mjs [--worlds N]
import { runBundled } from './run-bundled.mjs';

await runBundled('bench/sequential.ts');
