import * as core from '@actions/core';
import { forLog, stripControl } from '../report/escape.js';

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
