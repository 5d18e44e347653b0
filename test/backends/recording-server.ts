import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from '../loopback.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (signatures are checked against these bytes). */
  raw: string;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A loopback HTTP server that records every request and answers with `reply(request)`. */
export async function startRecordingServer(reply: (request: RecordedRequest) => Reply): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      raw: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    const { status, body } = reply(recorded);
    if (body === undefined) {
      response.writeHead(status);
      response.end();
    } else {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    }
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.origin, requests, close: listening.close };
}
