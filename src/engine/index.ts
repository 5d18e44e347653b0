export { type CostEstimate, estimateCost, type PricingBySuite } from './budget.js';
export { type CachedResponse, openResponseCache, type ResponseCache } from './cache.js';
export { cacheKey, canonicalJson, type EndpointIdentity, endpointOf } from './cache-key.js';
export { CACHE_MODES, effectiveCacheMode } from './cache-mode.js';
export { buildMessages, iteratePlan, type Plan, type PlanOptions, planCalls, type SuiteCases } from './plan.js';
export { runCalls } from './run.js';
export { renderTemplate, templateFields } from './template.js';
export type { CacheMode, CaseRecord, PlannedCall, Progress, RunOptions, RunSummary } from './types.js';
