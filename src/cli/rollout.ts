// `agenttune rollout`: a group of rollouts per task for the user's own RL loop (token ids, env mask,
// logprobs, reward, GRPO advantages in <out>/rollouts.jsonl).
import type { Command } from "commander";
import { parseModel } from "../models/index.js";
import { collectRollouts } from "../server/index.js";
import { loadChatTemplate, loadTokenizer } from "../tune/index.js";
import { interruptSignal, positiveInt, reportIncomplete } from "./options.js";

export function registerRollout(program: Command) {
  program
    .command("rollout")
    .description(
      "collect N rollouts per task from an OpenAI-compatible server (vLLM: sampled token ids and logprobs) → rollouts.jsonl with prompt_ids, completion_ids, logprobs, env_mask, reward, GRPO advantages",
    )
    .requiredOption("--env <name>", "the env")
    .requiredOption("--tasks <file>", "the env's task file")
    .requiredOption("--model <url>", "http://HOST:PORT/v1#MODEL")
    .requiredOption("--tokenizer <dir>", "the model's dir with tokenizer.json (and tokenizer_config.json)")
    .option("--template <name>", "chat template (default: the tokenizer dir's own)")
    .option("--group <n>", "rollouts per task", positiveInt, 8)
    .option("--scale-std", "divide advantages by the group's std (GRPO's scale_rewards)")
    .option("--temperature <t>", "sampling temperature", Number, 1)
    .option("--max-turns <n>", "most agent turns (default: the env's)", positiveInt)
    .option("--concurrency <n>", "episodes at once", positiveInt, 8)
    .option("--timeout <seconds>", "per model request", positiveInt, 600)
    .requiredOption("--out <dir>", "output folder (results.jsonl resumes; rollouts.jsonl is rewritten)")
    .action(async (opts) => {
      const tokenizer = loadTokenizer(opts.tokenizer);
      const signal = interruptSignal();
      const { rollouts, run } = await collectRollouts({
        env: opts.env,
        tasksFile: opts.tasks,
        model: await parseModel(opts.model, { timeoutMs: opts.timeout * 1000 }),
        group: opts.group,
        out: opts.out,
        template: loadChatTemplate(opts.template ?? opts.tokenizer),
        tokenizer,
        scaleByStd: Boolean(opts.scaleStd),
        concurrency: opts.concurrency,
        temperature: opts.temperature,
        ...(opts.maxTurns ? { maxTurns: opts.maxTurns } : {}),
        onProgress: (done, total) => process.stderr.write(`\r${done}/${total} episodes`),
        signal,
      });
      const exact = rollouts.filter((r) => r.token_exact).length;
      const mean = rollouts.reduce((a, r) => a + r.reward, 0) / Math.max(1, rollouts.length);
      process.stderr.write("\n");
      process.stdout.write(
        `${rollouts.length} rollouts, mean reward ${mean.toFixed(3)}, ${exact} token-exact → ${opts.out}/rollouts.jsonl\n`,
      );
      reportIncomplete(run, opts.out, signal);
    });
}
