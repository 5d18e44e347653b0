import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A test server listening on a free loopback port: its origin and port, and a close that also drops keep-alive connections. */
export async function listenOnLoopback(
  server: Server,
): Promise<{ origin: string; port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A loopback port nobody listens on (a server is opened on it and closed): calls to it are refused. */
export async function unusedLoopbackPort(): Promise<number> {
  const listening = await listenOnLoopback(createServer());
  await listening.close();
  return listening.port;
}
