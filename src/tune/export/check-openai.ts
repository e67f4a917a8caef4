import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { openAiChatRecordSchema } from "../../data/index.js";
import { alternationProblem, type ExportCheck, readRecordsLoose, readYaml, str } from "./check-common.js";

export function checkOpenAi(config: string): ExportCheck {
  const problems: string[] = [];
  const yaml = readYaml(config, problems);
  const check: ExportCheck = { target: "openai", config, examples: 0, trainedTurns: 0, problems };
  if (!str(yaml.model)) problems.push(`${config}: model: missing`);
  const method = yaml.method as { type?: unknown } | undefined;
  if (yaml.hyperparameters !== undefined)
    problems.push(`${config}: top-level hyperparameters are deprecated: put them in method.supervised`);
  if (method !== undefined && method.type !== "supervised")
    problems.push(`${config}: method.type: agenttune exports supervised data, got ${String(method.type)}`);
  const trainingFile = str(yaml.training_file);
  if (!trainingFile) {
    problems.push(`${config}: training_file: missing`);
    return check;
  }
  for (const { where, value } of readRecordsLoose(resolve(dirname(config), trainingFile), problems)) {
    const parsed = openAiChatRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(`${where}: ${issue?.path.join(".")}: ${issue?.message}`);
      continue;
    }
    const { messages } = parsed.data;
    const problem = alternationProblem(messages.map((m) => m.role));
    if (problem) problems.push(`${where}: ${problem}`);
    if (messages.some((m) => m.role !== "assistant" && m.weight !== undefined))
      problems.push(`${where}: weight on a non-assistant message (only assistant messages take weight)`);
    const trained = messages.filter((m) => m.role === "assistant" && m.weight !== 0).length;
    if (trained === 0) problems.push(`${where}: every assistant message has weight 0: nothing to train`);
    problems.push(...openAiToolProblems(parsed.data).map((p) => `${where}: ${p}`));
    check.examples++;
    check.trainedTurns += trained;
  }
  return check;
}

/**
 * Function-calling rules of OpenAI's chat format: each tool result answers a call of the assistant turn
 * before it, by id; each call's arguments are JSON; each call names a tool the example lists.
 */
function openAiToolProblems(record: z.infer<typeof openAiChatRecordSchema>): string[] {
  const problems: string[] = [];
  const names = new Set(record.tools?.map((t) => String(t.function.name)));
  let open = new Set<string>();
  for (const [i, m] of record.messages.entries()) {
    if (m.role === "tool") {
      if (!m.tool_call_id || !open.has(m.tool_call_id))
        problems.push(
          `messages[${i}]: tool_call_id ${JSON.stringify(m.tool_call_id)} answers no call before it`,
        );
      open.delete(m.tool_call_id ?? "");
      continue;
    }
    if (open.size > 0) problems.push(`messages[${i}]: calls ${[...open].join(", ")} have no tool result`);
    open = new Set(m.tool_calls?.map((c) => c.id));
    for (const call of m.tool_calls ?? []) {
      if (!names.has(call.function.name))
        problems.push(`messages[${i}]: calls ${call.function.name}, which the example's tools do not list`);
      try {
        JSON.parse(call.function.arguments);
      } catch {
        problems.push(`messages[${i}]: the arguments of ${call.function.name} are not JSON`);
      }
    }
  }
  return problems;
}
