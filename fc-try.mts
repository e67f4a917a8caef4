import { runEval } from "./src/eval/index.js";
import { readFileSync } from "node:fs";
for (const [env, tasks] of [["os", "test/fixtures/os_interaction/sample.json"]] as const) {
  const out = `/tmp/fc-${env}`;
  const s = await runEval({ env, tasks, scripts: "test/fixtures/os_interaction/scripts", model: "oracle", out, progress: false, protocol: "agentbench-fc", fresh: true } as never);
  console.log(env, (s as any).tasks, (s as any).successRate);
  const t = JSON.parse(readFileSync(`${out}/results.jsonl`, "utf8").split("\n")[0]);
  console.log(JSON.stringify(t.messages, null, 1).slice(0, 1500), t.failure, t.info);
}
