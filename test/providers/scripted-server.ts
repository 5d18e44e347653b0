import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from '../loopback.js';

export interface ScriptedReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A loopback server answering each request with the next scripted reply (the last one repeats). */
export async function startScriptedServer(replies: ScriptedReply[]) {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({ url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : null });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)] as ScriptedReply;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: `${listening.origin}/v1`, seen, close: listening.close };
}

export function completion(text: string) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
  };
}
