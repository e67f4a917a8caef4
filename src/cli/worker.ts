// `agenttune worker` and `agenttune status`: the workers of a queued run, and the queue's counts.
import type { Command } from "commander";
import { queueStatus, runQueueWorker } from "../runner/index.js";
import { interruptSignal, positiveInt } from "./options.js";

export function registerWorker(program: Command) {
  program
    .command("worker")
    .description("run the episodes of queued eval/collect runs (BullMQ on Redis) until Ctrl-C")
    .requiredOption("--queue <url>", "redis://HOST:PORT/DB, as given to eval/collect --queue")
    .option("--queue-name <name>", "the queue's name (default agenttune)")
    .option("--concurrency <n>", "episodes at once in this worker", positiveInt, 4)
    .option(
      "--lock-seconds <s>",
      "a job's lock: a dead worker's episode is retried after it",
      positiveInt,
      30,
    )
    .action(async (opts) => {
      const signal = interruptSignal();
      // a service manager stops workers with SIGTERM: finish as on Ctrl-C
      const stop = new AbortController();
      process.once("SIGTERM", () => stop.abort());
      const counts = await runQueueWorker({
        url: opts.queue,
        ...(opts.queueName ? { name: opts.queueName } : {}),
        concurrency: opts.concurrency,
        lockMs: opts.lockSeconds * 1000,
        signal: AbortSignal.any([signal, stop.signal]),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(
        `worker: ${counts.processed} episodes run, ${counts.failed} failed on infrastructure\n`,
      );
    });
  program
    .command("status")
    .description("a queue's job counts: waiting, active, completed, failed")
    .requiredOption("--queue <url>", "redis://HOST:PORT/DB")
    .option("--queue-name <name>", "the queue's name (default agenttune)")
    .action(async (opts) => {
      const counts = await queueStatus({
        url: opts.queue,
        ...(opts.queueName ? { name: opts.queueName } : {}),
      });
      process.stdout.write(
        `${Object.entries(counts)
          .map(([state, n]) => `${state} ${n}`)
          .join(", ")}\n`,
      );
    });
}
