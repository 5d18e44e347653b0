import { ExitCode, TunegateError } from '../errors.js';
import type { FineTuneBackend, JobStatus, TrainingJob } from '../providers/fine-tune-types.js';

/** Statuses after which a job changes no more (a dispatched job is followed elsewhere). */
const FINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'dispatched']);

export type JobEvent = TrainingJob['events'][number];

export interface FollowOptions {
  /** Time between polls (default 10 s). */
  intervalMs?: number;
  /** Called once per event, oldest first. */
  onEvent?: (event: JobEvent, job: TrainingJob) => void;
  signal?: AbortSignal;
  /** Give up after this long (default: never); the job keeps running and can be followed again by id. */
  timeoutMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function isFinal(status: JobStatus): boolean {
  return FINAL.has(status);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reports only events not reported before. Events are matched by time and text, counting repeats,
 * so a job that logs the same line twice reports it twice and a re-read list reports nothing again.
 */
function newEventsTracker(): (events: readonly JobEvent[]) => JobEvent[] {
  const reported = new Map<string, number>();
  return (events) => {
    const seenNow = new Map<string, number>();
    const fresh: JobEvent[] = [];
    for (const event of events) {
      const id = `${event.at}\u0000${event.message}`;
      const occurrence = (seenNow.get(id) ?? 0) + 1;
      seenNow.set(id, occurrence);
      if (occurrence > (reported.get(id) ?? 0)) {
        reported.set(id, occurrence);
        fresh.push(event);
      }
    }
    return fresh;
  };
}

/**
 * Polls a job until it reaches a final status and resolves with it (a failed job resolves too: the
 * caller decides). Each event is reported once. Works on a job started earlier, from its id alone.
 */
export async function followJob(
  backend: FineTuneBackend,
  id: string,
  options: FollowOptions = {},
): Promise<TrainingJob> {
  const interval = options.intervalMs ?? 10_000;
  const sleep = options.sleep ?? abortableSleep;
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  const freshEvents = newEventsTracker();
  for (;;) {
    options.signal?.throwIfAborted();
    const job = await backend.status(id);
    for (const event of freshEvents(job.events)) options.onEvent?.(event, job);
    if (isFinal(job.status)) return job;
    if (Date.now() + interval > deadline) {
      throw new TunegateError(
        'fine-tune-timeout',
        `fine-tuning job ${id} on ${backend.name} is still ${job.status} after ${options.timeoutMs} ms; ` +
          'it keeps running — follow it again later by its id.',
        { exitCode: ExitCode.runtime },
      );
    }
    await sleep(interval, options.signal);
  }
}
