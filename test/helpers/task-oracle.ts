// A scripted model for tests that go through HTTP (a task server, queue workers): it finds the task the
// conversation is about by its text and answers as that task's oracle, except on the tasks it is told
// to get wrong, where it gives a fixed wrong reply.
import type { Message } from "../../src/core/index.js";
import { getEnvSpec } from "../../src/envs/index.js";
import type { MockChatRequest } from "../../src/models/test-helpers/mock-openai-server.js";

export interface KnownTask {
  text: string;
  env: string;
  task: unknown;
  wrong: boolean;
}

/** The tasks of a file, each marked wrong where `wrong(i)` says so. */
export async function knownTasks(
  env: string,
  file: string,
  wrong: (index: number) => boolean,
  scripts?: string,
): Promise<KnownTask[]> {
  const spec = getEnvSpec(env);
  const known: KnownTask[] = [];
  for await (const task of spec.loadTasks(file, scripts ? { scripts } : {}))
    known.push({ text: spec.taskText(task), env, task, wrong: wrong(known.length) });
  return known;
}

/** A mock server's reply function: the oracle of the task in the conversation, from that task's own turn on. */
export function taskOracleReply(known: readonly KnownTask[], wrongReply: string) {
  return (request: MockChatRequest): string => {
    const all = request.messages.map((m) => m.content).join("\n");
    const match = known.find((k) => all.includes(k.text));
    if (!match || match.wrong) return wrongReply;
    // the one-shot example before the task's turn is not the oracle's conversation
    const start = request.messages.findIndex((m) => m.content.includes(match.text));
    const messages = request.messages
      .slice(start)
      .map((m) => ({ role: m.role === "user" ? "user" : "assistant", content: m.content }) as Message);
    return getEnvSpec(match.env).oracle(match.task).reply(messages);
  };
}
