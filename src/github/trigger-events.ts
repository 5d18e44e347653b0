/**
 * When the retrain trigger may start training. By default on runs that measure the models as they are
 * served — `schedule`, `workflow_dispatch` and pushes to the default branch — never on a pull request,
 * which measures a proposed change (and would train on data that is not merged). `trigger-on` replaces
 * the list of events; a push still counts only on the default branch.
 */
export const DEFAULT_TRIGGER_EVENTS = ['schedule', 'workflow_dispatch', 'push'] as const;

export interface TriggerEvent {
  eventName: string;
  /** GITHUB_REF, e.g. refs/heads/main. */
  ref: string;
  defaultBranch: string | undefined;
}

/** null when training may start on this event, else the reason it may not (for the log and the summary). */
export function triggerRefusal(event: TriggerEvent, triggerOn: readonly string[]): string | null {
  const events = triggerOn.length > 0 ? triggerOn : DEFAULT_TRIGGER_EVENTS;
  if (!events.includes(event.eventName)) {
    return `training is not triggered on ${event.eventName} runs (it is on ${events.join(', ')}; set the trigger-on input to change that)`;
  }
  if (event.eventName === 'push' && event.defaultBranch && event.ref !== `refs/heads/${event.defaultBranch}`) {
    return `training is triggered only by pushes to the default branch ${event.defaultBranch}, not ${event.ref}`;
  }
  return null;
}
