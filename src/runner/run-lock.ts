// One writer per run dir: run.lock names its owner by pid and process start time, so a lock left by
// a process killed with -9 is recognized as stale (the pid is gone, or reused by another process).
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../core/index.js";

const lockSchema = z.object({
  pid: z.number().int(),
  /** The owner's start time in clock ticks since boot (/proc/PID/stat field 22); null off Linux. */
  processStart: z.string().nullable(),
  host: z.string(),
  startedAt: z.string(),
});
type LockOwner = z.infer<typeof lockSchema>;

export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly file: string,
    private readonly owner: LockOwner,
  ) {
    process.once("exit", this.onExit);
  }

  /** Takes `dir/run.lock`, replacing a stale one; refuses when a live process holds it. */
  static acquire(dir: string): RunLock {
    const file = join(dir, "run.lock");
    const owner: LockOwner = {
      pid: process.pid,
      processStart: processStart(process.pid),
      host: hostname(),
      startedAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(file, "wx");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const holder = readOwner(file);
        if (holder && isAlive(holder)) {
          throw new InputError(
            `${dir}: another agenttune run (pid ${holder.pid}, started ${holder.startedAt}) is writing here; wait for it to end or use another --out`,
          );
        }
        try {
          unlinkSync(file); // stale: its owner is gone
        } catch {}
        continue;
      }
      writeSync(fd, `${JSON.stringify(owner)}\n`);
      closeSync(fd);
      return new RunLock(file, owner);
    }
    throw new InputError(
      `${file}: cannot take the run lock (it keeps reappearing); is another run starting?`,
    );
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.off("exit", this.onExit);
    const holder = readOwner(this.file);
    if (holder?.pid === this.owner.pid && holder.startedAt === this.owner.startedAt) {
      try {
        unlinkSync(this.file);
      } catch {}
    }
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return lockSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // a shared folder: we cannot see the other machine
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  // the pid exists: it is the owner only if it started when the owner did
  return owner.processStart === null || processStart(owner.pid) === owner.processStart;
}

/** Start time of a process from /proc (Linux); null where /proc is absent. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ")"
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
