/** The suite's `training:` section: training set sources, the fine-tune backend, the registry, distillation. */
export const openaiBackend = {
  type: 'object',
  title: 'OpenAI fine-tuning',
  description: "OpenAI's fine-tuning API, or an OpenAI-compatible provider's (api: together for POST /v1/fine-tunes).",
  additionalProperties: false,
  required: ['type', 'provider'],
  properties: {
    type: { const: 'openai', title: 'Type', description: '"openai"' },
    provider: { type: 'string', title: 'Provider', description: 'A provider of the suite: its base_url and API key.' },
    api: {
      type: 'string',
      enum: ['openai', 'together'],
      default: 'openai',
      title: 'API',
      description: 'openai: /v1/files + /v1/fine_tuning/jobs; together: /v1/files + /v1/fine-tunes.',
    },
  },
} as const;

/** Azure OpenAI: the trained model answers only once deployed, so the backend deploys it. */
export const azureDeployment = {
  type: 'object',
  title: 'Deployment',
  description:
    'Where the trained model is deployed (Azure management API: PUT …/accounts/{account}/deployments/{name}); ' +
    'the deployment name is the model the evaluation and promotion use.',
  additionalProperties: false,
  required: ['name', 'subscription_id', 'resource_group', 'account', 'token_env'],
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.{}-]+$',
      maxLength: 64,
      title: 'Deployment name',
      description:
        'Name of the deployment that serves the trained model. {job} becomes a short id of the job, so every job ' +
        'gets its own deployment (e.g. intents-{job}); without it each job re-points the same deployment.',
    },
    subscription_id: { type: 'string', minLength: 1, title: 'Subscription', description: 'Azure subscription id.' },
    resource_group: {
      type: 'string',
      minLength: 1,
      title: 'Resource group',
      description: 'Resource group of the Azure OpenAI resource.',
    },
    account: {
      type: 'string',
      pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$',
      title: 'Account',
      description: 'Name of the Azure OpenAI (Cognitive Services) resource that trained the model.',
    },
    token_env: {
      type: 'string',
      title: 'Token variable',
      description:
        'Environment variable with a Microsoft Entra ID token for https://management.azure.com ' +
        '(az account get-access-token --resource https://management.azure.com), allowed to write deployments.',
    },
    sku: {
      type: 'string',
      default: 'Standard',
      title: 'SKU',
      description: 'Deployment type: Standard, GlobalStandard, Developer, …',
    },
    capacity: {
      type: 'integer',
      minimum: 1,
      default: 1,
      title: 'Capacity',
      description: 'Deployment capacity (units of 1,000 tokens per minute).',
    },
    api_version: {
      type: 'string',
      default: '2024-10-01',
      title: 'Management API version',
      description: 'api-version of the Azure management API.',
    },
    management_url: {
      type: 'string',
      default: 'https://management.azure.com',
      title: 'Management URL',
      description: 'Azure Resource Manager endpoint (another cloud, or a local stand-in).',
    },
  },
} as const;

export const azureBackend = {
  type: 'object',
  title: 'Azure OpenAI fine-tuning',
  description:
    "Azure OpenAI fine-tuning on the provider's resource (files + fine_tuning/jobs, api-key header, the provider's " +
    'api_version), then a deployment of the trained model.',
  additionalProperties: false,
  required: ['type', 'provider', 'deployment'],
  properties: {
    type: { const: 'azure', title: 'Type', description: '"azure"' },
    provider: {
      type: 'string',
      title: 'Provider',
      description:
        'A provider of the suite: base_url https://<resource>.openai.azure.com/openai with api_version, or …/openai/v1; ' +
        'api_key_env.',
    },
    deployment: azureDeployment,
  },
} as const;

export const fireworksBackend = {
  type: 'object',
  title: 'Fireworks fine-tuning',
  description:
    'Fireworks supervised fine-tuning: a dataset and a supervisedFineTuningJob under /v1/accounts/{account}, on an ' +
    'open-weight base (accounts/fireworks/models/<name>); the trained model is accounts/{account}/models/<name>.',
  additionalProperties: false,
  required: ['type', 'provider', 'account'],
  properties: {
    type: { const: 'fireworks', title: 'Type', description: '"fireworks"' },
    provider: {
      type: 'string',
      title: 'Provider',
      description: 'A provider of the suite: its api_key_env (base_url https://api.fireworks.ai/inference/v1).',
    },
    account: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9-]*$',
      title: 'Account',
      description: 'Fireworks account id (as in accounts/<id>/…), not its display name.',
    },
    api_url: {
      type: 'string',
      title: 'API URL',
      description: "Fireworks control-plane URL (default: the origin of the provider's base_url).",
    },
  },
} as const;

export const dispatchBackend = {
  type: 'object',
  title: 'GitHub dispatch',
  description:
    "Starts the team's own training workflow (repository_dispatch, or workflow_dispatch when workflow is set).",
  additionalProperties: false,
  required: ['type', 'repository', 'token_env'],
  properties: {
    type: { const: 'github-dispatch', title: 'Type', description: '"github-dispatch"' },
    repository: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
      title: 'Repository',
      description: 'owner/name of the repository with the training workflow.',
    },
    event_type: {
      type: 'string',
      default: 'tunegate-train',
      title: 'Event type',
      description: 'repository_dispatch event type.',
    },
    workflow: { type: 'string', title: 'Workflow', description: 'Workflow file name for workflow_dispatch.' },
    ref: { type: 'string', default: 'main', title: 'Ref', description: 'Branch for workflow_dispatch.' },
    token_env: {
      type: 'string',
      title: 'Token variable',
      description: 'Environment variable with a token allowed to dispatch (contents: write / actions: write).',
    },
    api_url: {
      type: 'string',
      title: 'API URL',
      description: 'GitHub REST API URL (default $GITHUB_API_URL or api.github.com).',
    },
  },
} as const;

export const webhookBackend = {
  type: 'object',
  title: 'Webhook',
  description: 'POSTs the job as JSON to a URL the team runs.',
  additionalProperties: false,
  required: ['type', 'url'],
  properties: {
    type: { const: 'webhook', title: 'Type', description: '"webhook"' },
    url: { type: 'string', title: 'URL', description: 'Endpoint that receives the training job.' },
    headers: {
      type: 'object',
      title: 'Headers',
      description: 'Extra request headers.',
      additionalProperties: { type: 'string' },
    },
    secret_env: {
      type: 'string',
      title: 'Secret variable',
      description: 'Environment variable whose value signs the body (X-Tunegate-Signature: sha256=HMAC).',
    },
  },
} as const;

export const localBackend = {
  type: 'object',
  title: 'Local classifier',
  description:
    'Trains a linear classifier (TF-IDF word 1–2-grams and character 1–5-grams, one-vs-rest linear SVM) on this machine, in ' +
    'seconds, with no provider and no secret; classification suites only. The model is written to ' +
    '.tunegate/models/<id>.json and answers as local:<id>.',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { const: 'local', title: 'Type', description: '"local"' } },
} as const;

export const trainingSource = {
  title: 'Training source',
  description:
    "eval (the baseline's correct answers in a run's cases.jsonl, only on rows training may use), dataset (gold " +
    'rows of the train part; without holdout, rows outside the evaluated sample), { logs: file://pairs.jsonl }, or ' +
    '{ stored: { provider, metadata } }.',
  anyOf: [
    { type: 'string', enum: ['eval', 'dataset'] },
    {
      type: 'object',
      additionalProperties: false,
      required: ['logs'],
      properties: { logs: { type: 'string', title: 'Logs', description: 'JSONL of logged {"input","output"} pairs.' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['stored'],
      properties: {
        stored: {
          type: 'object',
          title: 'Stored completions',
          description: 'OpenAI stored completions of a provider, filtered by metadata.',
          additionalProperties: false,
          required: ['provider'],
          properties: {
            provider: { type: 'string', title: 'Provider', description: 'A provider of the suite.' },
            model: { type: 'string', title: 'Model', description: 'Only completions of this model.' },
            metadata: {
              type: 'object',
              title: 'Metadata',
              description: 'Only completions with these metadata values.',
              additionalProperties: { type: 'string' },
            },
            limit: { type: 'integer', minimum: 1, default: 1000, title: 'Limit', description: 'At most this many.' },
          },
        },
      },
    },
  ],
} as const;

export const distill = {
  type: 'object',
  title: 'Distillation',
  description: 'A teacher model turns a few seed examples into a synthetic training set.',
  additionalProperties: false,
  required: ['seeds'],
  properties: {
    seeds: {
      type: 'string',
      title: 'Seeds',
      description: 'file:// JSONL of {"input","output"} seed examples (about 10).',
    },
    teacher: {
      type: 'string',
      title: 'Teacher',
      description: 'Variant that labels the inputs (default: the baseline).',
    },
    count: { type: 'integer', minimum: 10, default: 200, title: 'Count', description: 'Examples to produce.' },
    batch: {
      type: 'integer',
      minimum: 1,
      maximum: 50,
      default: 10,
      title: 'Batch',
      description: 'Inputs asked for per call.',
    },
    max_cost_usd: {
      type: 'number',
      minimum: 0,
      title: 'Budget (USD)',
      description: 'Stop when the teacher has cost this much.',
    },
    similarity: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.8,
      title: 'Near-duplicate similarity',
      description: 'Inputs at least this similar (word-trigram Jaccard) to a kept one are dropped.',
    },
  },
} as const;

export const holdout = {
  title: 'Holdout',
  description:
    'Splits the dataset once, by case id, into an eval part (what `run` evaluates, sample included) and a train ' +
    'part (what training uses); no row is in both. A number is the eval share; each row goes to a side by a hash of ' +
    'its id and the seed, so adding rows never moves an existing one.',
  anyOf: [
    { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['eval'],
      properties: {
        eval: {
          type: 'number',
          exclusiveMinimum: 0,
          exclusiveMaximum: 1,
          title: 'Eval share',
          description: 'Share of rows in the eval part (e.g. 0.2).',
        },
        seed: { type: 'integer', default: 1, title: 'Seed', description: 'Another seed draws another split.' },
      },
    },
  ],
} as const;

export const serveAs = {
  type: 'object',
  title: 'Serve as',
  description:
    'How the fine-tuned model will be called when the suite has no fine-tuned variant yet: training rows use this ' +
    "system prompt and template, and promotion proposes them as the new variant's format. Default: the prompted " +
    "variant's template without its few-shot examples, and the suite's description as a one-line system prompt.",
  additionalProperties: false,
  properties: {
    system: { type: 'string', title: 'System', description: 'System prompt ("" for none).' },
    template: { type: 'string', title: 'Template', description: 'User message template ({{input}}, {{field}}).' },
    provider: {
      type: 'string',
      title: 'Provider',
      description:
        "Provider that serves the trained model (default: the training backend's provider); the variant promotion proposes uses it.",
    },
    params: {
      type: 'object',
      title: 'Params',
      description: 'Request parameters of the proposed variant (default: { temperature: 0 }).',
    },
  },
} as const;

export const training = {
  type: 'object',
  title: 'Training',
  description: 'How to build a training set and where to train, for fine-tune/retrain verdicts and promotion.',
  additionalProperties: false,
  properties: {
    base_model: {
      type: 'string',
      title: 'Base model',
      description:
        'Model to fine-tune (e.g. meta-llama/Meta-Llama-3.1-8B-Instruct-Reference on Together); not needed with ' +
        'backend: { type: local }.',
    },
    variant: {
      type: 'string',
      title: 'Prompt format',
      description: 'Variant whose system prompt and template the examples use (default: the fine-tuned variant).',
    },
    trigger: {
      type: 'boolean',
      default: false,
      title: 'Trigger',
      description: 'Let the Action build the training set and start the backend on a fine-tune or retrain verdict.',
    },
    backend: {
      title: 'Backend',
      description: 'Where to train.',
      anyOf: [openaiBackend, azureBackend, fireworksBackend, dispatchBackend, webhookBackend, localBackend],
    },
    holdout,
    serve_as: serveAs,
    sources: {
      type: 'array',
      title: 'Sources',
      description:
        'Where training examples come from (default: dataset, the gold rows of the train part, or without holdout ' +
        'the rows outside the evaluated sample).',
      items: trainingSource,
    },
    validation_split: {
      type: 'number',
      minimum: 0,
      maximum: 0.5,
      default: 0.1,
      title: 'Validation split',
      description: 'Share of examples held out for validation, stratified by label.',
    },
    method: {
      type: 'string',
      enum: ['sft', 'dpo'],
      default: 'sft',
      title: 'Method',
      description:
        'sft: supervised fine-tuning on train.jsonl. dpo: direct preference optimisation on preference.jsonl (the ' +
        "baseline's right answer preferred over the candidate's wrong one, on training rows only); OpenAI backend only.",
    },
    epochs: { type: 'integer', minimum: 1, default: 3, title: 'Epochs', description: 'Training epochs.' },
    suffix: { type: 'string', maxLength: 40, title: 'Suffix', description: 'Suffix of the trained model id.' },
    max_tokens_per_example: {
      type: 'integer',
      minimum: 1,
      default: 65536,
      title: 'Max tokens per example',
      description: 'Longer examples are dropped (the provider would reject them).',
    },
    registry: {
      type: 'object',
      title: 'Registry',
      description: 'The model reference the application reads, updated by tunegate promote.',
      additionalProperties: false,
      required: ['file', 'key'],
      properties: {
        file: {
          type: 'string',
          title: 'File',
          description: 'YAML or JSON file, relative to the suite (e.g. ../models.yaml).',
        },
        key: {
          type: 'string',
          title: 'Key',
          description: 'Dotted key of the model id in that file (e.g. intents.model).',
        },
      },
    },
    distill,
  },
} as const;
