import { VERSION } from '../../version.js';

/** What `tunegate init` writes: a small classification suite that runs offline on the simulator. */

export const SCHEMA_URL = `https://cdn.jsdelivr.net/npm/tunegate@${VERSION}/schemas/suite.schema.json`;

export interface InitNames {
  /** The suite's name (also its file names). */
  name: string;
  suiteFile: string;
  datasetFile: string;
  simConfigFile: string;
}

/** 16 rows of the BANKING77 test split (CC BY 4.0), four per label; attributed in the NOTICE beside them. */
export const SAMPLE_ROWS = `{"input": "How do I locate my card?", "expected": "card_arrival"}
{"input": "I still have not received my new card, I ordered over a week ago.", "expected": "card_arrival"}
{"input": "I ordered a card but it has not arrived. Help please!", "expected": "card_arrival"}
{"input": "Is there a way to know when my card will arrive?", "expected": "card_arrival"}
{"input": "My entire gym bag, including my wallet, was stolen out of my locker today. Everything in my wallet is gone - how do I block the card to make it can't be used?", "expected": "lost_or_stolen_card"}
{"input": "I can't find my card and think it may have been stolen.", "expected": "lost_or_stolen_card"}
{"input": "Someone stole my card. I need to report it stolen. I made a police report already, but how do I report it with you?", "expected": "lost_or_stolen_card"}
{"input": "I cant find my card, it's gone.", "expected": "lost_or_stolen_card"}
{"input": "I need to know your exchange rates.", "expected": "exchange_rate"}
{"input": "What exchange rates do you offer?", "expected": "exchange_rate"}
{"input": "How did you come up with your exchange rates?", "expected": "exchange_rate"}
{"input": "Where do you guys acquire your exchange rate?", "expected": "exchange_rate"}
{"input": "How do I get my PIN unlocked?", "expected": "pin_blocked"}
{"input": "Where can I view my PIN?", "expected": "pin_blocked"}
{"input": "Will you reinstate my PIN?", "expected": "pin_blocked"}
{"input": "I accidentally blocked my PIN. How do I reset it?", "expected": "pin_blocked"}
`;

export const SAMPLE_LABELS = ['card_arrival', 'lost_or_stolen_card', 'exchange_rate', 'pin_blocked'];

export const SAMPLE_NOTICE = `# Data attribution

The sample dataset in this folder is 16 rows of **BANKING77** (Casanueva et al., "Efficient Intent
Detection with Dual Sentence Encoders", NLP4ConvAI @ ACL 2020), from \`PolyAI-LDN/task-specific-datasets\`
(\`banking_data/test.csv\`), licensed under
[Creative Commons Attribution 4.0 International](https://creativecommons.org/licenses/by/4.0/).
Changes: four rows of each of four labels, converted from CSV to JSONL (\`{"input": text, "expected": category}\`).
`;

/** A placeholder id of a LoRA fine-tune on Fireworks (lower case: the id allows no other letters). */
export function fineTunedModel(names: InitNames): string {
  const slug = names.name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  return `accounts/my-account/models/${slug}-llama-v3p1-8b`;
}

/** Paths in the suite are relative to the suite's folder (evals/). */
export function suiteYaml(names: InitNames, datasetInSuite: string): string {
  return `# yaml-language-server: $schema=${SCHEMA_URL}
name: ${names.name}
description: Route a bank's support messages to an intent (replace the sample with your own cases).
dataset:
  path: ${datasetInSuite}
  input: input
  expected: expected
task:
  kind: classification
  labels: [${SAMPLE_LABELS.join(', ')}]
providers:
  openai:
    api_key_env: OPENAI_API_KEY
  fireworks:
    base_url: https://api.fireworks.ai/inference/v1
    api_key_env: FIREWORKS_API_KEY
variants:
  # What you run today: a general model, prompted.
  prompted:
    role: prompted
    provider: openai
    model: gpt-5.5
    system: "Answer with the intent of the customer's message: one of the labels, nothing else."
    template: "Message: {{input}}"
    params: { reasoning_effort: none, max_completion_tokens: 16 }
  # The candidate: a small open model fine-tuned on your data (put your fine-tune's id here).
  finetuned:
    role: finetuned
    provider: fireworks
    model: ${fineTunedModel(names)}
    base_model: accounts/fireworks/models/llama-v3p1-8b-instruct
    template: "{{input}}"
    params: { temperature: 0, max_tokens: 16 }
thresholds:
  accuracy: { min: 0.5 }
  latency_p95_ms: { max: 3000 }
`;
}

/** Illustrative behaviour for offline runs: these numbers are not measurements of the real models. */
export function simConfigYaml(names: InitNames): string {
  return `# Simulator behaviour for offline runs (\`tunegate run ... --sim-config\`): how accurate and how fast each
# model pretends to be. Illustrative numbers, not measurements of the real models.
seed: 1
models:
  gpt-5.5: { accuracy: 0.94, latency_ms: 600, jitter_ms: 150 }
  ${fineTunedModel(names)}: { accuracy: 0.92, latency_ms: 250, jitter_ms: 60 }
`;
}

export function workflowYaml(names: InitNames): string {
  return `# Runs tunegate on every pull request and comments its verdict.
name: tunegate
on:
  pull_request:
permissions:
  contents: read
  pull-requests: write
jobs:
  tunegate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: tunegate/tunegate@v${VERSION.split('.')[0]}
        # To evaluate the real models: delete sim-config and pass the providers' keys.
        # env:
        #   OPENAI_API_KEY: \${{ secrets.OPENAI_API_KEY }}
        #   FIREWORKS_API_KEY: \${{ secrets.FIREWORKS_API_KEY }}
        with:
          suites: ${names.suiteFile}
          sim-config: ${names.simConfigFile}
`;
}
