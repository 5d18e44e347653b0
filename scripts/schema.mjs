// Writes schemas/suite.schema.json from the schema in src/suite/schema.ts (bundled first: the
// sources import each other with .js specifiers, which plain Node cannot resolve to .ts files).
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const bundled = await build({
  entryPoints: ['src/suite/schema.ts'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  write: false,
  logLevel: 'warning',
});
const { suiteSchema } = await import(
  `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`
);
writeFileSync('schemas/suite.schema.json', JSON.stringify(suiteSchema));
