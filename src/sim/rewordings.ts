import { rewordingRequestOf } from '../fragility/instructions.js';

/**
 * The simulated teacher's answer to a request for rewordings of a system prompt (fragility's
 * `instruction` family): the prompt under different opening lines, each asking for the same task, as a
 * JSON array — what a real model asked the same question returns.
 */
const OPENINGS = [
  'Read these instructions carefully before you answer.',
  'Your task is described below; follow it exactly.',
  'Instructions for this conversation:',
  'Please keep to the following rules.',
  'What follows tells you how to answer.',
];

/** The prompt to reword and how many rewordings (at most as many openings as there are), or null. */
export function rewordingRequest(message: string): { system: string; count: number } | null {
  const request = rewordingRequestOf(message);
  return request && { system: request.system, count: Math.min(request.count, OPENINGS.length) };
}

export function simulatedRewordings(system: string, count: number): string {
  return JSON.stringify(OPENINGS.slice(0, count).map((opening) => `${opening}\n\n${system}`));
}
