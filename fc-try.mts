import { runEval } from "./src/eval/index.js";
import { generateTasksFile } from "./src/data/index.js";
import { readFileSync } from "node:fs";
for (const env of ["alfworld", "webshop"]) {
  const tasks = `/tmp/fc-${env}-tasks.jsonl`;
  await generateTasksFile({ env, count: 12, seed: 5, out: tasks });
  const out = `/tmp/fc-${env}`;
  const s = await runEval({ env, tasks, model: "oracle", out, progress: false, protocol: "agentbench-fc", fresh: true } as never);
  console.log(env, (s as any).tasks, (s as any).successRate);
  const t = JSON.parse(readFileSync(`${out}/results.jsonl`, "utf8").split("\n")[0]);
  console.log(JSON.stringify(t.messages.slice(0,4), null, 1).slice(0, 1800), t.failure, t.info);
}
