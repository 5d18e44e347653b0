import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { suiteSchema } from '../../src/suite/schema.js';

const schemaFile = path.resolve(import.meta.dirname, '../../schemas/suite.schema.json');

describe('schemas/suite.schema.json', () => {
  it('is the schema defined in src/suite/schema.ts (run `npm run schema` after editing it)', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(suiteSchema);
  });

  it('is a valid draft-07 schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
    expect(() => ajv.compile(suiteSchema)).not.toThrow();
  });

  it('gives every property a title and a description, for editor help', () => {
    const missing: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) {
        for (const [index, item] of node.entries()) visit(item, `${at}/${index}`);
      }
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (typeof record.properties === 'object' && record.properties !== null) {
        for (const [key, property] of Object.entries(record.properties)) {
          const { title, description } = property as Record<string, unknown>;
          if (typeof title !== 'string' || typeof description !== 'string') missing.push(`${at}/properties/${key}`);
        }
      }
      for (const [key, child] of Object.entries(record)) visit(child, `${at}/${key}`);
    };
    visit(suiteSchema, '#');
    expect(missing).toEqual([]);
  });

  it('is served from the published package at its $id, the URL the SchemaStore catalog entry gives', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const entry = JSON.parse(readFileSync(path.join(root, 'schemas/schemastore-catalog-entry.json'), 'utf8'));
    // jsDelivr serves a published npm package's files: the schema must ship in it, at the path in the URL.
    expect(pkg.files).toContain('schemas');
    expect(suiteSchema.$id).toBe(`https://cdn.jsdelivr.net/npm/${pkg.name}/schemas/suite.schema.json`);
    expect(entry).toEqual({
      name: expect.any(String),
      description: expect.any(String),
      fileMatch: ['*.tunegate.yaml', '*.tunegate.yml'],
      url: suiteSchema.$id,
    });
  });
});
