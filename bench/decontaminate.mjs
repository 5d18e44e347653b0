// Bundles bench/decontaminate.ts (with the sources it imports) and runs it with this same Node.
import { runBundled } from './run-bundled.mjs';

await runBundled('bench/decontaminate.ts');
