export { createAttemptClient, createModelClient } from './client.js';
export { costOfCall, describePrice, fineTunedBase, resolvePrice, trainingPricePer1M } from './pricing.js';
export { countMessageTokens, countTokens, loadTokenizer } from './tokens.js';
export type { ChatMessage, ChatRequest, ChatResult, ModelClient, TokenUsage } from './types.js';
export { ProviderError } from './types.js';
