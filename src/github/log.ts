import * as core from '@actions/core';
import type { Progress } from '../engine/types.js';
import { forLog, stripControl } from '../report/escape.js';
import { throttledProgressLines } from '../report/progress-text.js';

/**
 * Everything the Action prints goes through here, since much of it carries data (names, model ids, error
 * texts from servers): control characters (ANSI escapes, NUL, bidi overrides) are stripped, and no line
 * can start a workflow command. `core.info` writes its text as it is; `core.warning` and `core.error` escape
 * newlines in their message but not terminal escapes.
 */
export const log = {
  info: (text: string) => core.info(forLog(text)),
  notice: (text: string) => core.notice(forLog(text)),
  warning: (text: string, properties?: core.AnnotationProperties) =>
    core.warning(forLog(text), safeProperties(properties)),
  error: (text: string, properties?: core.AnnotationProperties) => core.error(forLog(text), safeProperties(properties)),
  /** Marks the step failed, with the message as an error annotation. */
  failed: (text: string) => core.setFailed(forLog(text)),
};

/** How often the Action logs the progress of a run: often enough to see it move, rarely enough to read the log. */
export const PROGRESS_LOG_INTERVAL_MS = 10_000;

/** A run's `onProgress` for the Action's log: a `progress: …` line about every 10 s of the run, and the last one. */
export function progressLogger(write: (text: string) => void = log.info): (progress: Progress) => void {
  return throttledProgressLines(write, PROGRESS_LOG_INTERVAL_MS);
}

/** Annotation titles and file names on one line, without control characters (core escapes `:` and `,`). */
function safeProperties(properties: core.AnnotationProperties | undefined): core.AnnotationProperties | undefined {
  if (!properties) return undefined;
  const { title, file, ...rest } = properties;
  return {
    ...rest,
    ...(title === undefined ? {} : { title: stripControl(title, { singleLine: true }) }),
    ...(file === undefined ? {} : { file: stripControl(file, { singleLine: true }) }),
  };
}
