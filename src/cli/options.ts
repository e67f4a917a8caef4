// Flag parsers shared by commands.
import { type Command, InvalidArgumentError, Option } from "commander";
import { defaultProtocol, protocols } from "../envs/index.js";

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive whole number");
  return n;
}

/** A share between 0 and 1 (eta). */
export function share(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("expected a number from 0 to 1, e.g. 0.2");
  return n;
}

/** An AbortSignal that fires on the first Ctrl-C; a second Ctrl-C exits at once. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.on("SIGINT", () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(
      "\nagenttune: stopping after running episodes are cancelled (Ctrl-C again to quit now)\n",
    );
    controller.abort();
  });
  return controller.signal;
}

/** Exit code of a run that ended with episodes left to do because infrastructure failed. */
export const incompleteExitCode = 3;

/**
 * Says on stderr why a run is not complete and sets the exit code: 130 when the user interrupted,
 * 3 when the model server or a backend failed (re-running the same command retries those episodes).
 */
export function reportIncomplete(
  run: { complete: boolean; incomplete?: { reason: string; pending: number } },
  out: string,
  signal: AbortSignal,
): void {
  if (run.complete) return;
  if (signal.aborted) {
    process.exitCode = 130;
    return;
  }
  const pending = run.incomplete ? `${run.incomplete.pending} episodes left: ` : "";
  process.stderr.write(
    `agenttune: run incomplete (${pending}${run.incomplete?.reason ?? "unknown reason"}); failures are in ${out}/errors.jsonl; run the same command again to retry them\n`,
  );
  process.exitCode = incompleteExitCode;
}

/** --protocol: which AgentBench the held-in envs reproduce. */
export function protocolOption(): Option {
  return new Option(
    "--protocol <name>",
    "held-in envs: agentbench-old (AgentBench as vendored in AgentTuning, its numbers' harness), agentbench-v0.2, or agentbench-fc (its main branch: function calling; db, os, kg, alfworld, webshop)",
  )
    .choices([...protocols])
    .default(defaultProtocol);
}

/** --agentbench DIR: the user's AgentBench checkout, whose prompts the held-in envs then use. */
export function agentbenchOption(): Option {
  return new Option(
    "--agentbench <dir>",
    "AgentBench checkout (AgentBench.old of an AgentTuning checkout, or AgentBench v0.2 with --protocol agentbench-v0.2): its own prompts replace agenttune's wording",
  ).env("AGENTBENCH_DIR");
}

/** --agenttuning DIR: the user's AgentTuning checkout, whose held-out prompts the held-out envs then use. */
export function agenttuningOption(): Option {
  return new Option(
    "--agenttuning <dir>",
    "AgentTuning checkout (THUDM/AgentTuning): the held-out envs read their original prompts from its eval_heldout/",
  ).env("AGENTTUNING_DIR");
}

/** --corpus FILE,…: more pages for the offline wiki (HotpotQA files, a Wikipedia abstracts dump). */
export function corpusOption(): Option {
  return new Option(
    "--corpus <files>",
    "hotpotqa: more offline-wiki pages, comma-separated HotpotQA files or abstracts dumps (the task file is always in)",
  ).argParser((text: string) => text.split(",").filter(Boolean));
}

/** --queue, --queue-name and --rate-limit: a run whose episodes `agenttune worker` processes run. */
export function addQueueOptions(command: Command): Command {
  return command
    .option(
      "--queue <url>",
      "redis://HOST:PORT/DB: enqueue the episodes for `agenttune worker` processes (BullMQ)",
    )
    .option("--queue-name <name>", "the queue's name (default agenttune)")
    .option("--rate-limit <n>", "with --queue: episodes started per minute across all workers", positiveInt);
}

/** --action-format: ReAct text (the protocols' own) or function calls on the env's actions. */
export function actionFormatOption(): Option {
  return new Option(
    "--action-format <format>",
    "react (text actions, the protocols' own) or tools (function calling)",
  )
    .choices(["react", "tools"])
    .default("react");
}

/** Tools-mode trajectories in training data: kept as tool calls, or written as the env's ReAct text. */
export function trainingActionFormatOption(): Option {
  return new Option(
    "--action-format <format>",
    "tools-mode trajectories: native (tool calls, for function-calling training) or react (the env's ReAct text)",
  )
    .choices(["native", "react"])
    .default("native");
}
