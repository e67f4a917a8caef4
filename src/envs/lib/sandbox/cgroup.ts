// A control group per episode: memory (tmpfs pages included, as the kernel charges them to the writer),
// process count and CPU share for everything the sandbox starts. cgroup v2 where the host has it,
// the v1 controllers (memory, pids, cpu) where it has those; nothing without root.

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CgroupLimits {
  memoryMb: number;
  maxProcesses: number;
  /** CPU cores' worth of time per period (1 = one core). */
  cpus: number;
}

export type Controller = "memory" | "pids" | "cpu";

/** Which limits a cgroup can hold on this host, and through which version. */
export interface CgroupSupport {
  version: "v2" | "v1" | undefined;
  controllers: Controller[];
  /** Why some or all controllers are missing (one line), when they are. */
  missing?: string;
}

const root = "/sys/fs/cgroup";
const all: Controller[] = ["memory", "pids", "cpu"];

function writable(dir: string): boolean {
  try {
    const probe = join(dir, `agenttune-probe-${process.pid}-${randomBytes(3).toString("hex")}`);
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

let support: CgroupSupport | undefined;

export function cgroupSupport(): CgroupSupport {
  if (support) return support;
  if (process.getuid?.() !== 0) {
    support = { version: undefined, controllers: [], missing: "not running as root" };
  } else if (existsSync(join(root, "cgroup.controllers")) && writable(root)) {
    const enabled = readFileSync(join(root, "cgroup.subtree_control"), "utf8").split(/\s+/);
    const controllers = all.filter((c) => enabled.includes(c));
    support = { version: "v2", controllers };
  } else {
    const controllers = all.filter(
      (c) => existsSync(join(root, c, "cgroup.procs")) && writable(join(root, c)),
    );
    support = { version: controllers.length ? "v1" : undefined, controllers };
  }
  const absent = all.filter((c) => !support?.controllers.includes(c));
  if (absent.length && !support.missing)
    support.missing = `no writable ${absent.join("/")} cgroup controller`;
  return support;
}

/** One episode's groups; `add` before the sandbox starts anything, `destroy` after it is killed. */
export class EpisodeCgroup {
  private constructor(private readonly dirs: string[]) {}

  static create(limits: CgroupLimits): EpisodeCgroup | undefined {
    const { version, controllers } = cgroupSupport();
    if (!version || controllers.length === 0) return undefined;
    const name = `agenttune-${process.pid}-${randomBytes(4).toString("hex")}`;
    const settings: Record<Controller, [string, string][]> =
      version === "v2"
        ? {
            memory: [
              ["memory.max", String(limits.memoryMb * 1024 * 1024)],
              ["memory.swap.max", "0"],
            ],
            pids: [["pids.max", String(limits.maxProcesses)]],
            cpu: [["cpu.max", `${Math.round(limits.cpus * 100_000)} 100000`]],
          }
        : {
            memory: [["memory.limit_in_bytes", String(limits.memoryMb * 1024 * 1024)]],
            pids: [["pids.max", String(limits.maxProcesses)]],
            cpu: [
              ["cpu.cfs_period_us", "100000"],
              ["cpu.cfs_quota_us", String(Math.round(limits.cpus * 100_000))],
            ],
          };
    const dirs: string[] = [];
    try {
      if (version === "v2") {
        const dir = join(root, name);
        mkdirSync(dir);
        dirs.push(dir);
        for (const c of controllers) for (const [file, value] of settings[c]) writeOptional(dir, file, value);
      } else {
        for (const c of controllers) {
          const dir = join(root, c, name);
          mkdirSync(dir);
          dirs.push(dir);
          for (const [file, value] of settings[c]) writeFileSync(join(dir, file), value);
        }
      }
    } catch (error) {
      for (const dir of dirs) rmdirSync(dir);
      throw error;
    }
    return new EpisodeCgroup(dirs);
  }

  add(pid: number): void {
    for (const dir of this.dirs) writeFileSync(join(dir, "cgroup.procs"), String(pid));
  }

  /** Times the memory limit was hit (v1 failcnt, v2 events "max"); 0 when not measured. */
  memoryEvents(): number {
    for (const dir of this.dirs) {
      const v1 = join(dir, "memory.failcnt");
      if (existsSync(v1)) return Number(readFileSync(v1, "utf8"));
      const v2 = join(dir, "memory.events");
      if (existsSync(v2)) return Number(/^max (\d+)/m.exec(readFileSync(v2, "utf8"))?.[1] ?? 0);
    }
    return 0;
  }

  /** Kills whatever is left in the groups and removes them. */
  async destroy(): Promise<void> {
    for (const dir of this.dirs) {
      for (let i = 0; i < 2500 && existsSync(dir); i++) {
        try {
          for (const pid of readPids(dir)) {
            try {
              process.kill(pid, "SIGKILL");
            } catch {
              // gone already
            }
          }
          rmdirSync(dir);
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 2)); // processes still leaving
        }
      }
    }
  }
}

function writeOptional(dir: string, file: string, value: string) {
  if (existsSync(join(dir, file))) writeFileSync(join(dir, file), value);
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
