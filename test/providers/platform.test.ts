import { describe, expect, it } from 'vitest';
import { baseModelOf, platformOf } from '../../src/providers/platform.js';

describe('platformOf', () => {
  it('reads the platform from base_url, none meaning OpenAI', () => {
    expect(platformOf({})).toBe('openai');
    expect(platformOf({ base_url: 'https://api.openai.com/v1' })).toBe('openai');
    expect(platformOf({ base_url: 'https://acme.openai.azure.com/openai' })).toBe('azure');
    expect(platformOf({ base_url: 'https://acme.cognitiveservices.azure.com' })).toBe('azure');
    expect(platformOf({ base_url: 'https://api.together.xyz/v1' })).toBe('together');
    expect(platformOf({ base_url: 'https://api.fireworks.ai/inference/v1' })).toBe('fireworks');
  });

  it('knows no platform for other servers, unless the suite names it', () => {
    expect(platformOf({ base_url: 'http://127.0.0.1:8080/v1' })).toBeNull();
    expect(platformOf({ base_url: 'https://evil-api.openai.com.example.org/v1' })).toBeNull();
    expect(platformOf({ base_url: 'http://127.0.0.1:8080/v1', platform: 'fireworks' })).toBe('fireworks');
  });
});

describe('baseModelOf', () => {
  it('takes the base from an ft: id or the base_model key', () => {
    expect(baseModelOf({ model: 'ft:gpt-4.1-mini-2025-04-14:acme:intents:abc123' })).toBe('gpt-4.1-mini-2025-04-14');
    expect(baseModelOf({ model: 'accounts/acme/models/intents', base_model: 'qwen3-8b' })).toBe('qwen3-8b');
    expect(baseModelOf({ model: 'gpt-5.5' })).toBeNull();
  });
});
