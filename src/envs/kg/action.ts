// How a knowledgegraph reply is read, as AgentBench's task.py reads it: the text before "Observation:",
// "Final Answer: #n", else the first line starting "Action…:", its calls `name(args)` with the
// arguments split at commas. The env and the actions-as-tools read replies with these.

export const kgToolNames = new Set([
  "get_relations",
  "get_neighbors",
  "intersection",
  "get_attributes",
  "argmax",
  "argmin",
  "count",
  "union",
]);

/** The reply up to "Observation:" (the rest is the model's invention), with "\_" unescaped. */
export const kgMessage = (reply: string) => (reply.split("Observation:")[0] ?? "").replaceAll("\\_", "_");

/** The variable of a "Final Answer: #n" (or "Find Answer"), or undefined. */
export function kgFinalAnswer(message: string): number | undefined {
  const final = /(?:Find|Final) Answer: #(\d+)/.exec(message);
  return final ? Number(final[1]) : undefined;
}

/** The action line: the first line that starts "Action…:". */
export const kgActionLine = (message: string) => message.split("\n").find((l) => /^Action.*?:/.test(l));

/** The names called on the line, in order (known or not). */
export const kgCalledNames = (line: string) => [...line.matchAll(/(\w+)\(/g)].map((m) => m[1] ?? "");

/** The arguments of a known tool's call on the line, or undefined when they do not parse. */
export function kgCallArguments(line: string, name: string): string[] | undefined {
  const inner = kgToolNames.has(name) ? new RegExp(`${name}\\((.+?)\\)`).exec(line)?.[1] : undefined;
  return inner === undefined ? undefined : inner.split(/\s*,\s*/);
}
