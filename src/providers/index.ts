export { createAttemptClient, createModelClient } from './client.js';
export { type FineTuneOffer, fineTuneOffers } from './fine-tune-prices.js';
export { GENAI_PRICES_VERSION } from './genai-prices.js';
export { fineTunedBase } from './model-ids.js';
export {
  costOfCall,
  describePrice,
  type PriceQuery,
  priceQueryOf,
  type ResolvedPrice,
  resolvePrice,
  trainingPricePer1M,
} from './pricing.js';
export { countMessageTokens, countTokens, loadTokenizer } from './tokens.js';
export type { ChatMessage, ChatRequest, ChatResult, ModelClient, TokenUsage } from './types.js';
export { ProviderError } from './types.js';
