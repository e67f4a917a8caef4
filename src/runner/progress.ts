// Shows run progress: a bar on a TTY, plain lines (about every 10%) otherwise.
import cliProgress from "cli-progress";
import type { RunProgress } from "./run-tasks.js";

export interface ProgressDisplay {
  update(progress: RunProgress): void;
  stop(): void;
}

export function createProgressDisplay(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | success {rate}{failed} | {eta_formatted} left`,
        stream,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const rate = p.done ? `${((100 * p.succeeded) / p.done).toFixed(1)}%` : "-";
        const failed = p.failed ? ` | ${p.failed} failed (infrastructure)` : "";
        if (!started) {
          bar.start(p.total, p.done, { rate, failed });
          started = true;
        } else bar.update(p.done, { rate, failed });
      },
      stop: () => bar.stop(),
    };
  }
  let lastShown = -1;
  let lastFailed = 0;
  return {
    update(p) {
      const step = Math.max(1, Math.ceil(p.total / 10));
      const newFailure = p.failed > lastFailed;
      if (!newFailure && p.done !== p.total && p.done - lastShown < step) return;
      lastShown = p.done;
      lastFailed = p.failed;
      const rate = p.done ? ((100 * p.succeeded) / p.done).toFixed(1) : "0.0";
      const resumed = p.resumed ? ` (${p.resumed} resumed)` : "";
      const failed = p.failed ? `, ${p.failed} failed on infrastructure (retried on resume)` : "";
      stream.write(`${label}: ${p.done}/${p.total} episodes${resumed}, success ${rate}%${failed}\n`);
    },
    stop() {},
  };
}
