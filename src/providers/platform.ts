import type { Platform, ProviderSpec, VariantSpec } from '../suite/types.js';

/** Hosts whose platform is known without a `platform:` key. */
const HOST_PLATFORMS: { suffix: string; platform: Platform }[] = [
  { suffix: 'api.openai.com', platform: 'openai' },
  { suffix: '.openai.azure.com', platform: 'azure' },
  { suffix: '.cognitiveservices.azure.com', platform: 'azure' },
  { suffix: 'api.together.xyz', platform: 'together' },
  { suffix: 'api.together.ai', platform: 'together' },
  { suffix: 'api.fireworks.ai', platform: 'fireworks' },
];

/**
 * Who serves a provider's models: its `platform:` key, else read from base_url (none means OpenAI's
 * own API); null for any other server (tunegate's local provider, a proxy, the simulator without the key).
 */
export function platformOf(provider: Pick<ProviderSpec, 'platform' | 'base_url' | 'local'>): Platform | null {
  if (provider.local === true) return null;
  if (provider.platform) return provider.platform;
  if (provider.base_url === undefined) return 'openai';
  let host: string;
  try {
    host = new URL(provider.base_url).hostname.toLowerCase();
  } catch {
    return null;
  }
  const known = HOST_PLATFORMS.find(({ suffix }) => host === suffix.replace(/^\./, '') || host.endsWith(suffix));
  return known?.platform ?? null;
}

/**
 * The model a fine-tuned variant was trained from: its `base_model:` key, else the base named in an
 * OpenAI `ft:<base>:org:suffix:id` id (with its date); null when neither says.
 */
export function baseModelOf(variant: Pick<VariantSpec, 'model' | 'base_model'>): string | null {
  if (variant.base_model) return variant.base_model;
  if (!variant.model.startsWith('ft:')) return null;
  return variant.model.split(':')[1] || null;
}
