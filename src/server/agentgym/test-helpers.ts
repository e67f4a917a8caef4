// For the AgentGym route tests: the oracle's replies for a task, and the action each AgentGym client
// would send for a reply.
import { getEnvSpec } from "../../envs/index.js";
import { openInProcess, playOracleEpisode } from "../openenv/test-client.js";
import type { ServedTask } from "../served-tasks.js";

/** What each client's adapter sends to /step: the action out of the model's text. */
export const bareAction: Record<string, (reply: string) => string> = {
  alfworld: (reply) => (/ACTION:([^\n]*)/.exec(reply)?.[1] ?? "").trim(),
  webshop: (reply) => reply.replace(/^[\s\S]*Action:\s*/, "").trim(),
  // sqlgym.py SqlGymEnvClient.step: action.split("```sql")[-1].split("```")[0].strip()
  db: (reply) => (reply.split("```sql").at(-1) ?? "").split("```")[0]?.trim() ?? "",
};

/** The oracle's replies for a task, in react mode, played on an in-process session. */
export async function oracleReplies(name: string, config: ServedTask, index: number): Promise<string[]> {
  const { set, source, close } = await openInProcess(name, config, { action_format: "react" });
  try {
    const played = await playOracleEpisode(source, getEnvSpec(config.env), set.tasks[index], { index });
    if (played.reward !== 1) throw new Error(`${name}: the oracle scored ${played.reward} on task ${index}`);
    return played.actions.map((a) => Object.values(a.arguments as Record<string, string>)[0] as string);
  } finally {
    await close();
  }
}
