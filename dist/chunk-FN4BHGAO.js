#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{a as c}from"./chunk-DMWY3WCE.js";import{c as d}from"./chunk-AKZSV7EH.js";import{a as p}from"./chunk-IPII3SRE.js";import{a as i,c as l}from"./chunk-UUOEAKFH.js";import"./chunk-J5CDXZZA.js";import{mkdir as C,writeFile as N}from"node:fs/promises";import{basename as P,dirname as I,join as x,relative as F,resolve as S}from"node:path";var A=`https://cdn.jsdelivr.net/npm/tunegate@${c}/schemas/suite.schema.json`,g=`{"input": "How do I locate my card?", "expected": "card_arrival"}
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
`,$=["card_arrival","lost_or_stolen_card","exchange_rate","pin_blocked"],f=`# Data attribution

The sample dataset in this folder is 16 rows of **BANKING77** (Casanueva et al., "Efficient Intent
Detection with Dual Sentence Encoders", NLP4ConvAI @ ACL 2020), from \`PolyAI-LDN/task-specific-datasets\`
(\`banking_data/test.csv\`), licensed under
[Creative Commons Attribution 4.0 International](https://creativecommons.org/licenses/by/4.0/).
Changes: four rows of each of four labels, converted from CSV to JSONL (\`{"input": text, "expected": category}\`).
`;function h(e){return`accounts/my-account/models/${e.name.toLowerCase().replace(/[^a-z0-9-]/g,"-").slice(0,40)}-llama-v3p1-8b`}function _(e,n){return`# yaml-language-server: $schema=${A}
name: ${e.name}
description: Route a bank's support messages to an intent (replace the sample with your own cases).
dataset:
  path: ${n}
  input: input
  expected: expected
task:
  kind: classification
  labels: [${$.join(", ")}]
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
    model: ${h(e)}
    base_model: accounts/fireworks/models/llama-v3p1-8b-instruct
    template: "{{input}}"
    params: { temperature: 0, max_tokens: 16 }
thresholds:
  accuracy: { min: 0.5 }
  latency_p95_ms: { max: 3000 }
`}function y(e){return`# Simulator behaviour for offline runs (\`tunegate run ... --sim-config\`): how accurate and how fast each
# model pretends to be. Illustrative numbers, not measurements of the real models.
seed: 1
models:
  gpt-5.5: { accuracy: 0.94, latency_ms: 600, jitter_ms: 150 }
  ${h(e)}: { accuracy: 0.92, latency_ms: 250, jitter_ms: 60 }
`}function w(e){return`# Runs tunegate on every pull request and comments its verdict.
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
      - uses: tunegate/tunegate@v${c.split(".")[0]}
        # To evaluate the real models: delete sim-config and pass the providers' keys.
        # env:
        #   OPENAI_API_KEY: \${{ secrets.OPENAI_API_KEY }}
        #   FIREWORKS_API_KEY: \${{ secrets.FIREWORKS_API_KEY }}
        with:
          suites: ${e.suiteFile}
          sim-config: ${e.simConfigFile}
`}var O=/^[A-Za-z0-9][A-Za-z0-9._-]*$/;function R(e){return P(e).replace(/[^A-Za-z0-9._-]+/g,"-").replace(/^[^A-Za-z0-9]+/,"")||"my-suite"}function Y(e){return{name:e,suiteFile:`evals/${e}.tunegate.yaml`,datasetFile:`evals/data/${e}.jsonl`,simConfigFile:`evals/sim/${e}.yaml`}}async function z(e,n){let o=S(n.cwd,e.dir),r=e.name??R(o);if(!O.test(r))throw new l("usage",`--name "${d(r)}" is not a valid suite name: use letters, digits, ".", "_" and "-", starting with a letter or digit`,{exitCode:i.usage});let t=Y(r),v=F(I(t.suiteFile),t.datasetFile),u=[[t.suiteFile,_(t,v)],[t.datasetFile,g],["evals/data/NOTICE.md",f],[t.simConfigFile,y(t)],[".github/workflows/tunegate.yml",w(t)]],s=[];for(let[a]of u)await p(x(o,a))&&s.push(a);if(s.length>0)throw new l("init-exists",`tunegate init writes nothing over existing files; these exist in ${d(o)}:
${s.map(a=>`  ${a}`).join(`
`)}
move them, or choose another folder or --name`,{exitCode:i.usage});for(let[a,b]of u){let m=x(o,a);await C(I(m),{recursive:!0}),await N(m,b,{flag:"wx"}),n.stdout.write(`wrote ${a}
`)}let k=/^[\w./-]+$/.test(e.dir)?e.dir:`'${e.dir.replaceAll("'","'\\''")}'`,E=e.dir==="."?"":`cd ${k} && `;return n.stdout.write(`
Next, a run on the simulator (offline, no API key, no cost):
  ${E}npx tunegate run ${t.suiteFile} --sim-config ${t.simConfigFile}
Then put your own cases in ${t.datasetFile}, your labels and models in the suite, and drop
--sim-config (with OPENAI_API_KEY and FIREWORKS_API_KEY set) to measure the real models.
`),i.ok}export{z as initCommand};
