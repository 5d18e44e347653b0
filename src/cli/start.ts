// Runs the CLI in this process: wires argv, the streams and the signals to main(). Loaded by index.ts once
// the compile cache is on.
import type { Interrupts } from './io.js';
import { main } from './main.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** First signal: graceful stop; second: hard stop; after that the default handling ends the process. */
function trapInterrupts(): Interrupts {
  const stop = new AbortController();
  const abort = new AbortController();
  const release = () => {
    for (const name of SIGNALS) process.off(name, onSignal);
  };
  function onSignal(): void {
    if (!stop.signal.aborted) {
      stop.abort();
      return;
    }
    release();
    abort.abort();
  }
  for (const name of SIGNALS) process.on(name, onSignal);
  return { stop: stop.signal, abort: abort.signal, release };
}

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  trapInterrupts,
});
