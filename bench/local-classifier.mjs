// Bundles bench/local-classifier.ts (with the sources it imports) and runs it with this same Node. Usage: node bench/local-classifier.mjs [path/to/clinc150/data_full.json]
import { runBundled } from './run-bundled.mjs';

await runBundled('bench/local-classifier.ts');
