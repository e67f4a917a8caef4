// `agenttune worker` as a separate process, for the queue's tests and benchmark: ready once it says it
// listens on the queue.
import { type ChildProcess, spawn } from "node:child_process";

const cliMain = new URL("../../src/cli/main.ts", import.meta.url).pathname;

export interface QueueWorker {
  child: ChildProcess;
  /** Resolves when the worker waits for jobs. */
  ready: Promise<void>;
}

export function startQueueWorker(
  url: string,
  queueName: string,
  { concurrency = 4, lockSeconds }: { concurrency?: number; lockSeconds?: number } = {},
): QueueWorker {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      cliMain,
      "worker",
      "--queue",
      url,
      "--queue-name",
      queueName,
      "--concurrency",
      String(concurrency),
      ...(lockSeconds ? ["--lock-seconds", String(lockSeconds)] : []),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let seen = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("worker on")) resolve();
    });
    child.once("exit", (code) =>
      reject(new Error(`agenttune worker exited (${code}) before it was ready: ${seen}`)),
    );
  });
  ready.catch(() => {});
  return { child, ready };
}
