import { describe, expect, it } from 'vitest';
import { bufferedResponse, responseHeaders } from '../../src/providers/light-response.js';

/** A raw header list as node gives it (rawHeaders): names as sent, repeated names repeated. */
const RAW = [
  'Content-Type',
  'application/json',
  'X-RateLimit-Remaining-Requests',
  '99',
  'Set-Cookie',
  'a=1',
  'Vary',
  'Accept',
  'set-cookie',
  'b=2',
  'vary',
  'Origin',
  'Retry-After-Ms',
  '250',
];

function platform(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

describe('responseHeaders', () => {
  it('reads, joins and iterates exactly as the platform Headers built from the same list', () => {
    const light = responseHeaders(RAW);
    const real = platform(RAW);
    expect(light).toBeInstanceOf(Headers);
    expect([...light]).toEqual([...real]);
    expect([...light.keys()]).toEqual([...real.keys()]);
    expect([...light.values()]).toEqual([...real.values()]);
    for (const name of ['content-type', 'VARY', 'Set-Cookie', 'retry-after-ms', 'missing']) {
      expect(light.get(name)).toBe(real.get(name));
      expect(light.has(name)).toBe(real.has(name));
    }
    expect(light.getSetCookie()).toEqual(['a=1', 'b=2']);
    const visited: string[] = [];
    light.forEach((value, name) => {
      visited.push(`${name}=${value}`);
    });
    expect(visited).toEqual([...real].map(([name, value]) => `${name}=${value}`));
    // Copies into the platform's classes, as the SDK and Response do.
    expect([...new Headers(light)]).toEqual([...real]);
  });

  it('can be changed like Headers, and iterates every change whatever was iterated before', () => {
    const light = responseHeaders(RAW);
    const real = platform(RAW);
    const changes: ((headers: Headers) => void)[] = [
      (headers) => headers.set('Vary', 'Cookie'),
      (headers) => headers.delete('set-cookie'),
      (headers) => headers.append('X-New', '1'),
    ];
    for (const change of changes) {
      expect([...light]).toEqual([...real]);
      change(light);
      change(real);
    }
    expect([...light]).toEqual([...real]);
    expect(light.get('vary')).toBe('Cookie');
    expect(light.has('set-cookie')).toBe(false);
    expect(light.get('x-new')).toBe('1');
  });
});

describe('bufferedResponse', () => {
  it('is a Response with the status, headers and body given, readable once', async () => {
    const response = bufferedResponse(Buffer.from('{"a":"ü"}'), {
      status: 429,
      statusText: 'Too Many Requests',
      headers: responseHeaders(RAW),
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.ok).toBe(false);
    expect(response.status).toBe(429);
    expect(response.statusText).toBe('Too Many Requests');
    expect(response.headers.get('retry-after-ms')).toBe('250');
    const copy = response.clone();
    expect(await response.json()).toEqual({ a: 'ü' });
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(await new Response(copy.body).text()).toBe('{"a":"ü"}');
    expect(bufferedResponse(Buffer.alloc(0), { status: 200, headers: responseHeaders([]) }).ok).toBe(true);
  });
});
