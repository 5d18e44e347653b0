export type { SimCase, SimConfig, SimFaults, SimFineTuning, SimModel, SimRateLimit } from './config.js';
export { loadSimCases, parseSimConfig } from './config.js';
export type { SimFragility, SimPrompt, SimPromptExample } from './config-fragility.js';
export type { RunningSimulator, SimModelStats, SimStats } from './server.js';
export { startSimulator } from './server.js';
