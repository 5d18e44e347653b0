import { mulberry32 } from '../../src/dataset/sample.js';
import type { ChatRequest, ChatResult, ModelClient } from '../../src/providers/types.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vel', 'dor', 'pi', 'nex', 'qua', 'zor', 'bel', 'fin', 'gu'];

/** `count` distinct sentences of random pseudo-words: unrelated to each other, so never near-duplicates. */
export function randomSentences(count: number, seed: number, words = 12): string[] {
  const random = mulberry32(seed);
  const pick = () => SYLLABLES[Math.floor(random() * SYLLABLES.length)] as string;
  const word = () => pick() + pick() + pick();
  return Array.from({ length: count }, () => Array.from({ length: words }, word).join(' '));
}

export function chatResult(text: string): ChatResult {
  return { text, usage: { prompt: 10, completion: 5, cached: 0 }, latency_ms: 1, attempts: 1, simulated: false };
}

/** A client answering from a function of the request, recording every request. */
export function fakeClient(answer: (request: ChatRequest, call: number) => string | Error): {
  client: ModelClient;
  requests: ChatRequest[];
} {
  const requests: ChatRequest[] = [];
  return {
    requests,
    client: {
      async complete(request) {
        requests.push(request);
        const reply = answer(request, requests.length);
        if (reply instanceof Error) throw reply;
        return chatResult(reply);
      },
    },
  };
}
