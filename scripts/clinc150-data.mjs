// Regenerates the CLINC150 example's data files in evals/data/ from the dataset's data_full.json
// (Larson et al., 2019; CC BY 3.0; see evals/NOTICE.md), keeping its official split:
//   clinc150-test.jsonl   the 4,500 in-scope test rows, then the 1,000 oos_test rows ({"input","expected"})
//   clinc150-train.jsonl  the 15,000 train rows, then the 100 oos_train rows ({"input","output"}, the
//                         logged-pairs format a `logs` training source reads), less the 2 whose input is a
//                         test input word for word: 15,098 rows
//   clinc150-labels.txt   the 150 intents, domain by domain as domains.json lists them, then `oos`
// and the prompted variant's system prompt, evals/prompts/clinc150-system.md, which lists the same labels.
// Usage: node scripts/clinc150-data.mjs [DIR holding data_full.json and domains.json] (default ../shared/data/clinc150)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OUT_OF_SCOPE = 'oos';
const source = process.argv[2] ?? '../shared/data/clinc150';
const evals = path.resolve(import.meta.dirname, '../evals');
const data = JSON.parse(readFileSync(path.join(source, 'data_full.json'), 'utf8'));
const domains = JSON.parse(readFileSync(path.join(source, 'domains.json'), 'utf8'));

const jsonl = (rows) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');
const write = (name, text) => {
  writeFileSync(path.join(evals, name), text);
  console.log(`${name}: ${text.split('\n').length - 1} lines`);
};

const test = [...data.test, ...data.oos_test].map(([input, expected]) => ({ input, expected }));
// Two train rows repeat a test input word for word (with another label); a test row must never train.
const testInputs = new Set(test.map((row) => row.input));
const train = [...data.train, ...data.oos_train]
  .map(([input, output]) => ({ input, output }))
  .filter((row) => !testInputs.has(row.input));

const intents = Object.values(domains).flat();
const used = new Set([...data.train, ...data.test].map(([, label]) => label));
if (intents.length !== used.size || intents.some((intent) => !used.has(intent))) {
  throw new Error('domains.json does not list exactly the intents of data_full.json');
}
write('data/clinc150-test.jsonl', jsonl(test));
write('data/clinc150-train.jsonl', jsonl(train));
write('data/clinc150-labels.txt', [...intents, OUT_OF_SCOPE].map((label) => `${label}\n`).join(''));

const byDomain = Object.entries(domains).map(
  ([domain, labels]) => `${domain.replaceAll('_', ' ')}:\n\n${labels.map((label) => `- ${label}`).join('\n')}`,
);
const system = `You are the intent router of a voice assistant. Read one user request and answer with exactly one
intent label from the list below: the label alone, in lowercase, with no quotes, punctuation or
explanation. Never invent a label. When the request fits none of the intents, answer ${OUT_OF_SCOPE}.

Intent labels, by domain:

${byDomain.join('\n\n')}

none of the above:

- ${OUT_OF_SCOPE}
`;
write('prompts/clinc150-system.md', system);
