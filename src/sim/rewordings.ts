/**
 * The simulated teacher's answer to a request for rewordings of a system prompt (fragility's
 * `instruction` family): the prompt under different opening lines, each asking for the same task, as a
 * JSON array — what a real model asked the same question returns.
 */
const REQUEST = /Rewrite the system prompt below in (\d+) different ways/;
const PROMPT = /<system_prompt>\n([\s\S]*)\n<\/system_prompt>/;
const OPENINGS = [
  'Read these instructions carefully before you answer.',
  'Your task is described below; follow it exactly.',
  'Instructions for this conversation:',
  'Please keep to the following rules.',
  'What follows tells you how to answer.',
];
const MAX_REWORDINGS = OPENINGS.length;

/** The prompt to reword and how many rewordings, or null when the message asks for something else. */
export function rewordingRequest(message: string): { system: string; count: number } | null {
  const count = REQUEST.exec(message);
  const system = PROMPT.exec(message);
  if (!count || !system) return null;
  return { system: system[1] as string, count: Math.min(Number(count[1]), MAX_REWORDINGS) };
}

export function simulatedRewordings(system: string, count: number): string {
  return JSON.stringify(OPENINGS.slice(0, count).map((opening) => `${opening}\n\n${system}`));
}
