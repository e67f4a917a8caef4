// The os sandbox: create+destroy time, one `echo` action against a raw `bash -c echo` (ratio), and 64
// concurrent episodes (throughput and memory), in one run (bench/results/os.json).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { oracleModel } from "../src/agent/index.js";
import { cachedOsImage } from "../src/envs/lib/sandbox/image.js";
import { SandboxPool } from "../src/envs/lib/sandbox/pool.js";
import { Sandbox, sandboxProblem } from "../src/envs/lib/sandbox/sandbox.js";
import { generateOsTasks } from "../src/envs/os/generate.js";
import { osSpec } from "../src/envs/os/spec.js";
import type { OsTask } from "../src/envs/os/tasks.js";
import { runTasks } from "../src/runner/index.js";
import { type Row, writeResults } from "./table.js";

const memAvailableKb = () =>
  Number(/MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);

export async function benchOs(): Promise<Row[]> {
  const problem = sandboxProblem();
  if (problem) return [{ measure: "os sandbox", value: "skipped", note: problem }];
  const rows: Row[] = [];

  // create + destroy on the image, on the host view, and a bare bwrap, alternating rounds
  const image = cachedOsImage();
  const n = 10;
  const rounds = 3;
  const times = { image: 0, host: 0, bare: 0 };
  let start = 0;
  for (let r = 0; r < rounds; r++) {
    if (image) {
      start = performance.now();
      for (let i = 0; i < n; i++) await (await Sandbox.create({ image })).close();
      times.image += performance.now() - start;
    }
    start = performance.now();
    for (let i = 0; i < n; i++) await (await Sandbox.create()).close();
    times.host += performance.now() - start;
    start = performance.now();
    for (let i = 0; i < n; i++)
      await promisify(execFile)("bwrap", [
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
        "--unshare-all",
        "--die-with-parent",
        "true",
      ]);
    times.bare += performance.now() - start;
  }
  const per = (total: number) => total / (n * rounds);
  const createMs = image ? per(times.image) : per(times.host);
  const bareMs = per(times.bare);
  rows.push({
    measure: "os sandbox create+destroy (image)",
    value: image ? `${per(times.image).toFixed(1)} ms` : "no image",
    note: `${image ? (per(times.image) / bareMs).toFixed(1) : "-"}× a bare \`bwrap … true\` (${bareMs.toFixed(1)} ms); id map, cgroup, tmpfs, overlay, bwrap, pty bash ready`,
  });
  rows.push({
    measure: "os sandbox create+destroy (host view)",
    value: `${per(times.host).toFixed(1)} ms`,
    note: `${(per(times.host) / bareMs).toFixed(1)}× the bare bwrap`,
  });

  // one echo action vs a raw bash -c echo, alternating rounds
  const sandbox = await Sandbox.create({ image });
  const echoes = 100;
  let stepMs = 0;
  let rawMs = 0;
  for (let r = 0; r < 4; r++) {
    start = performance.now();
    for (let i = 0; i < echoes; i++) await sandbox.run("echo hi");
    stepMs += performance.now() - start;
    start = performance.now();
    for (let i = 0; i < echoes; i++) await promisify(execFile)("bash", ["-c", "echo hi"]);
    rawMs += performance.now() - start;
  }
  await sandbox.close();
  stepMs /= 4 * echoes;
  rawMs /= 4 * echoes;
  rows.push({
    measure: "os echo step",
    value: `${stepMs.toFixed(2)} ms`,
    note: `${(stepMs / rawMs).toFixed(2)}× a raw \`bash -c echo\` (${rawMs.toFixed(2)} ms)`,
  });

  // episodes one after another (sandbox, an action, 50 ms of "model", an action, close), with sandboxes
  // started ahead by a pool of 2 and without (pool of 0), alternating; the wait for a sandbox and the
  // first action's latency measured apart
  const pooled: Record<string, { acquireMs: number; firstActionMs: number; episodeMs: number }> = {};
  for (const size of [2, 0]) pooled[size] = { acquireMs: 0, firstActionMs: 0, episodeMs: 0 };
  const episodes = 10;
  for (let r = 0; r < 3; r++) {
    for (const size of [2, 0]) {
      const pool = new SandboxPool({ image }, size);
      await (await pool.acquire()).close(); // the first episode of a run waits either way
      await pool.filled();
      const m = pooled[size] as { acquireMs: number; firstActionMs: number; episodeMs: number };
      for (let i = 0; i < episodes; i++) {
        const t0 = performance.now();
        const sandbox = await pool.acquire();
        const t1 = performance.now();
        await sandbox.run("echo hi");
        const t2 = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await sandbox.run("echo hi");
        await sandbox.close();
        m.acquireMs += (t1 - t0) / (3 * episodes);
        m.firstActionMs += (t2 - t1) / (3 * episodes);
        m.episodeMs += (performance.now() - t0) / (3 * episodes);
      }
      await pool.close();
    }
  }
  const [withPool, without] = [pooled[2], pooled[0]] as {
    acquireMs: number;
    firstActionMs: number;
    episodeMs: number;
  }[];
  rows.push({
    measure: "os episode's wait for its sandbox, pool of 2 started ahead",
    value: `${withPool?.acquireMs.toFixed(2)} ms`,
    note: `without a pool ${without?.acquireMs.toFixed(1)} ms; first action after it ${withPool?.firstActionMs.toFixed(2)} ms (without ${without?.firstActionMs.toFixed(2)} ms); episode of 2 actions + 50 ms ${withPool?.episodeMs.toFixed(1)} ms vs ${without?.episodeMs.toFixed(1)} ms`,
  });

  // 64 concurrent episodes of the oracle on generated tasks
  const tasks: OsTask[] = [];
  for await (const task of generateOsTasks({ count: 64, seed: 11 })) tasks.push(task);
  const backend = await osSpec.open();
  const outDir = mkdtempSync(join(tmpdir(), "bench-os-"));
  const before = memAvailableKb();
  let lowest = before;
  const sampler = setInterval(() => {
    lowest = Math.min(lowest, memAvailableKb());
  }, 20);
  start = performance.now();
  const summary = await runTasks({
    spec: osSpec,
    backend,
    tasks,
    model: oracleModel(osSpec),
    outDir,
    concurrency: 64,
  });
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  rmSync(outDir, { recursive: true, force: true });
  const perEpisodeMb = (before - lowest) / 1024 / 64;
  rows.push({
    measure: "os 64 concurrent episodes",
    value: `${(tasks.length / seconds).toFixed(1)} episodes/s`,
    note: `${seconds.toFixed(2)} s for 64 oracle episodes (success ${(100 * summary.successRate).toFixed(0)}%), peak memory ≈ ${perEpisodeMb.toFixed(1)} MiB per live episode`,
  });
  writeResults("os", {
    date: new Date().toISOString(),
    createMs,
    createHostViewMs: per(times.host),
    bareBwrapMs: bareMs,
    image: image?.manifest.key ?? null,
    stepMs,
    rawMs,
    ratio: stepMs / rawMs,
    pooled,
    concurrent: { episodes: 64, seconds, perEpisodeMb, successRate: summary.successRate },
  });
  return rows;
}
