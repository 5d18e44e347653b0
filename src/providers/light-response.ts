/**
 * A Response and its Headers for a reply already read whole, without the platform's (undici's) classes: their
 * constructors validate and copy every header and set up a body stream, work that cost more per call than the
 * rest of the transport. Both pass `instanceof Response` / `instanceof Headers` and behave like them for
 * everything the openai SDK and tunegate use; a web stream is made only when `body` is asked for.
 */

/**
 * Response headers from node's raw name/value list, with Headers semantics: names case-insensitive, repeated
 * values joined with ", " (Set-Cookie kept apart), iteration sorted by name.
 */
class ResponseHeaders {
  /** Lower-case name, value; in arrival order. */
  #list: string[];
  /** What entries() iterates, worked out on first use and again after a change. */
  #sorted: (readonly [string, string])[] | null = null;

  constructor(raw: readonly string[]) {
    const list: string[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i += 2) {
      list[i] = (raw[i] as string).toLowerCase();
      list[i + 1] = raw[i + 1] as string;
    }
    this.#list = list;
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    const list = this.#list;
    let found: string | null = null;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === key) found = found === null ? (list[i + 1] as string) : `${found}, ${list[i + 1]}`;
    }
    return found;
  }

  has(name: string): boolean {
    return this.#list.includes(name.toLowerCase());
  }

  getSetCookie(): string[] {
    const cookies: string[] = [];
    for (let i = 0; i < this.#list.length; i += 2) {
      if (this.#list[i] === 'set-cookie') cookies.push(this.#list[i + 1] as string);
    }
    return cookies;
  }

  set(name: string, value: string): void {
    this.delete(name);
    this.append(name, value);
  }

  append(name: string, value: string): void {
    this.#list.push(name.toLowerCase(), String(value));
    this.#sorted = null;
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    const kept: string[] = [];
    for (let i = 0; i < this.#list.length; i += 2) {
      if (this.#list[i] !== key) kept.push(this.#list[i] as string, this.#list[i + 1] as string);
    }
    this.#list = kept;
    this.#sorted = null;
  }

  /** Sorted by name, one entry per name (its values joined), one per Set-Cookie value: as Headers iterates. */
  entries(): IterableIterator<[string, string]> {
    // Fresh pairs each time, as Headers gives; the SDK iterates every response's headers twice.
    return this.#sortedEntries()
      .map(([name, value]): [string, string] => [name, value])
      .values();
  }

  #sortedEntries(): (readonly [string, string])[] {
    if (this.#sorted !== null) return this.#sorted;
    const joined = new Map<string, string>();
    const cookies: string[] = [];
    for (let i = 0; i < this.#list.length; i += 2) {
      const name = this.#list[i] as string;
      const value = this.#list[i + 1] as string;
      if (name === 'set-cookie') cookies.push(value);
      else {
        const earlier = joined.get(name);
        joined.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
      }
    }
    const sorted: (readonly [string, string])[] = [...joined];
    for (const cookie of cookies) sorted.push(['set-cookie', cookie]);
    // Stable: Set-Cookie values keep their order.
    sorted.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.#sorted = sorted;
    return sorted;
  }

  keys(): IterableIterator<string> {
    return this.#sortedEntries()
      .map(([name]) => name)
      .values();
  }

  values(): IterableIterator<string> {
    return this.#sortedEntries()
      .map(([, value]) => value)
      .values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  forEach(visit: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#sortedEntries()) visit.call(thisArg, value, name, this as unknown as Headers);
  }
}
Object.setPrototypeOf(ResponseHeaders.prototype, Headers.prototype);

/** Headers over node's raw response header list (see ResponseHeaders). */
export function responseHeaders(raw: readonly string[]): Headers {
  return new ResponseHeaders(raw) as unknown as Headers;
}

const STATUS_TEXT_UNKNOWN = '';

/**
 * A Response over a body already read whole. The SDK reads every JSON response with text(), which decodes the
 * buffer directly. `body` still gives a stream of the same bytes (made on first use), and a body can be consumed
 * once, as with any Response.
 */
class BufferedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly url = '';
  readonly redirected = false;
  readonly type = 'default';
  #bytes: Buffer;
  #consumed = false;
  #stream: ReadableStream<Uint8Array> | null = null;

  constructor(bytes: Buffer, init: { status: number; statusText?: string; headers: Headers }) {
    this.#bytes = bytes;
    this.status = init.status;
    this.statusText = init.statusText ?? STATUS_TEXT_UNKNOWN;
    this.headers = init.headers;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get body(): ReadableStream<Uint8Array> {
    this.#stream ??= new Response(this.#bytes).body as ReadableStream<Uint8Array>;
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#consumed || (this.#stream?.locked ?? false);
  }

  /** The bytes, once: a second read fails like fetch's own. Once `body` was handed out, reads go through it. */
  #take(): Promise<Buffer> {
    if (this.bodyUsed) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#consumed = true;
    if (this.#stream !== null) return new Response(this.#stream).arrayBuffer().then((data) => Buffer.from(data));
    return Promise.resolve(this.#bytes);
  }

  text(): Promise<string> {
    return this.#take().then((bytes) => bytes.toString('utf8'));
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes().then((bytes) => bytes.buffer as ArrayBuffer);
  }

  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    // A copy: the buffer may be a slice of node's shared pool.
    return this.#take().then((bytes) => new Uint8Array(bytes));
  }

  blob(): Promise<Blob> {
    return this.bytes().then((bytes) => new Blob([bytes], { type: this.headers.get('content-type') ?? '' }));
  }

  formData(): Promise<FormData> {
    return this.#take().then((bytes) => new Response(bytes, { headers: this.headers }).formData());
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    return bufferedResponse(this.#bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}
Object.setPrototypeOf(BufferedResponse.prototype, Response.prototype);

export function bufferedResponse(bytes: Buffer, init: { status: number; statusText?: string; headers: Headers }) {
  return new BufferedResponse(bytes, init) as unknown as Response;
}
