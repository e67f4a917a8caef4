// Episodes' SQLite databases live in a few child processes, so that every statement has a time limit:
// better-sqlite3 runs a statement to its end on the calling thread (an endless recursive CTE would
// freeze the run), and only killing the process stops it. Each worker runs one statement at a time and
// its clock starts when the statement does; a statement over the limit kills its worker, its episode
// gets MariaDB's max_statement_time error, and every database that lived there is rebuilt in a fresh
// worker from its table and its episode's successful writes (MariaDB keeps them after a timeout too);
// statements that were queued behind it run there, unharmed.
import { type ChildProcess, fork } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { EnvError } from "../../core/index.js";
import type { QueryOutcome, TaskDatabase } from "./sql-backend.js";
import type { WorkerBody, WorkerRequest } from "./sqlite-worker.js";
import type { DbTable } from "./tasks.js";

/** MariaDB's error for a statement over max_statement_time (ER_STATEMENT_TIMEOUT). */
export const statementTimeoutError =
  "1969 (70100): Query execution was interrupted (max_statement_time exceeded)";
/** MySQL's text when the server went away mid-statement (CR_SERVER_LOST). */
export const serverLostError = "2013 (HY000): Lost connection to MySQL server during query";

export const defaultStatementTimeoutMs = 10_000;

const workerFile = new URL(
  `./sqlite-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
).pathname;

function tsxLoader(): string {
  const tsx = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  return pathToFileURL(join(tsx, "dist", "loader.mjs")).href;
}

let emptyDir: string | undefined;

/** An empty dir the engine may enter but not write to: relative file names lead nowhere. */
function workerCwd(): string {
  if (!emptyDir) {
    const dir = mkdtempSync(join(tmpdir(), "agenttune-sqlite-"));
    chmodSync(dir, 0o555);
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    emptyDir = dir;
  }
  return emptyDir;
}

let nobodyCanRun: boolean | undefined;

/** As root, whether the worker's code and better-sqlite3 are readable by other users (every dir on the way). */
function dropToNobody(): boolean {
  if (process.getuid?.() !== 0) return false;
  nobodyCanRun ??= [workerFile, createRequire(import.meta.url).resolve("better-sqlite3")].every(
    readableByOthers,
  );
  return nobodyCanRun;
}

function readableByOthers(file: string): boolean {
  try {
    if (!(statSync(file).mode & 0o004)) return false;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (!(statSync(dir).mode & 0o001)) return false;
      if (dir === dirname(dir)) return true;
    }
  } catch {
    return false;
  }
}

class TimeoutError extends Error {}
class WorkerGone extends Error {}

type Job = {
  body: WorkerBody;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
};

class Worker {
  private next = 0;
  /** Sent and not answered, in order: the worker runs them one after another. */
  private readonly inflight: { id: number; job: Job; timer?: NodeJS.Timeout }[] = [];
  private stderrTail = "";
  private dying = false;
  /** Databases opened here and not closed. */
  databases = 0;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;

  constructor() {
    this.child = fork(workerFile, [], {
      cwd: workerCwd(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      // from a source checkout (tests) the worker is TypeScript: tsx by path, the cwd has no node_modules
      execArgv: [
        ...(workerFile.endsWith(".ts") ? ["--import", tsxLoader()] : []),
        "--max-old-space-size=512",
      ],
      serialization: "advanced", // BigInt cells
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      // as root, the engine runs as nobody where nobody can read agenttune's files (not, say, under
      // /root): a statement that slipped past the guard would then reach no file
      ...(dropToNobody() ? { uid: 65534, gid: 65534 } : {}),
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.child.on("message", (message: { id: number; result?: unknown; failure?: string }) => {
      const head = this.inflight[0];
      if (!head || head.id !== message.id) return;
      clearTimeout(head.timer);
      this.inflight.shift();
      if (message.failure !== undefined) head.job.reject(new EnvError(`sqlite worker: ${message.failure}`));
      else head.job.resolve(message.result);
      this.startClock();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", () => {
        for (const { job, timer } of this.inflight.splice(0)) {
          clearTimeout(timer);
          job.reject(new WorkerGone("exited"));
        }
        resolve();
      }),
    );
    this.hold(false);
  }

  get alive(): boolean {
    return (
      !this.dying && this.child.exitCode === null && this.child.signalCode === null && this.child.connected
    );
  }

  /** The last lines the process wrote to stderr, for error messages. */
  stderr(): string {
    return this.stderrTail.trim().split("\n").filter(Boolean).slice(-2).join(" | ");
  }

  /** A worker without work must not keep agenttune running. */
  private hold(held: boolean) {
    if (held) {
      this.child.ref();
      this.child.channel?.ref();
    } else {
      this.child.unref();
      this.child.channel?.unref();
    }
  }

  /**
   * Requests are sent at once (no round trip between statements); a statement's clock starts when
   * the one before it has answered, which is when the worker starts it.
   */
  request(body: WorkerBody, timeoutMs: number): Promise<unknown> {
    if (!this.alive) return Promise.reject(new WorkerGone("exited"));
    return new Promise((resolve, reject) => {
      const id = ++this.next;
      this.inflight.push({ id, job: { body, timeoutMs, resolve, reject } });
      this.child.send({ ...body, id } as WorkerRequest, (error) => {
        if (error) void this.kill();
      });
      this.startClock();
    });
  }

  private startClock() {
    const head = this.inflight[0];
    if (!head) {
      this.hold(false);
      return;
    }
    this.hold(true);
    if (head.timer) return;
    head.timer = setTimeout(() => {
      if (this.inflight[0] !== head) return;
      this.inflight.shift();
      head.job.reject(new TimeoutError("timeout"));
      void this.kill(); // the rest are rejected as WorkerGone and retried elsewhere
    }, head.job.timeoutMs);
  }

  async kill() {
    this.dying = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.hold(true); // its exit is awaited: the handle must keep the loop alive until then
      this.child.kill("SIGKILL");
    }
    await this.exited;
  }
}

/** A backend's worker processes: at most `size`, each holding many databases. */
export class SqliteWorkerPool {
  private workers: Worker[] = [];

  constructor(private readonly size = Math.max(4, cpus().length)) {}

  /** The live worker with the fewest databases, or a new one while there are fewer than `size`. */
  acquire(): Worker {
    this.workers = this.workers.filter((w) => w.alive);
    const least = this.workers.reduce<Worker | undefined>(
      (best, w) => (!best || w.databases < best.databases ? w : best),
      undefined,
    );
    if (least && (least.databases === 0 || this.workers.length >= this.size)) return least;
    const worker = new Worker();
    this.workers.push(worker);
    return worker;
  }

  async close() {
    await Promise.all(this.workers.splice(0).map((w) => w.kill()));
  }
}

let nextDatabase = 0;

export class IsolatedSqliteDatabase implements TaskDatabase {
  private worker: Worker | undefined;
  private readonly handle = ++nextDatabase;
  private readonly writes: string[] = [];

  constructor(
    private readonly table: DbTable,
    private readonly pool: SqliteWorkerPool,
    private readonly statementTimeoutMs = defaultStatementTimeoutMs,
  ) {}

  private async ready(): Promise<Worker> {
    if (this.worker?.alive) return this.worker;
    const worker = this.pool.acquire();
    this.worker = worker;
    worker.databases++;
    try {
      await worker.request({ op: "open", db: this.handle, table: this.table, replay: this.writes }, 60_000);
    } catch (error) {
      throw new EnvError(
        `sqlite worker: cannot open the task's table: ${worker.stderr() || (error as Error).message}`,
      );
    }
    return worker;
  }

  /** Runs a request; when another episode's runaway statement took the worker down, once more elsewhere. */
  private async run(body: WorkerBody): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const worker = await this.ready();
      try {
        return await worker.request(body, this.statementTimeoutMs);
      } catch (error) {
        if (!(error instanceof WorkerGone) || attempt >= 3) throw error;
      }
    }
  }

  /** A write that ran elsewhere (on the run's thread): replayed when the database opens here. */
  recordWrite(sql: string) {
    if (this.worker) throw new Error("recordWrite: the database is already open in a worker");
    this.writes.push(sql);
  }

  async execute(sql: string): Promise<QueryOutcome> {
    try {
      const outcome = (await this.run({ op: "execute", db: this.handle, sql })) as QueryOutcome & {
        wrote?: boolean;
      };
      if (outcome.wrote) this.writes.push(sql);
      return "error" in outcome ? { error: outcome.error } : { rows: outcome.rows };
    } catch (error) {
      if (error instanceof TimeoutError) return { error: statementTimeoutError };
      if (error instanceof WorkerGone) return { error: serverLostError };
      throw error;
    }
  }

  async tableHash(): Promise<string | null> {
    try {
      return (await this.run({ op: "hash", db: this.handle })) as string | null;
    } catch (error) {
      if (error instanceof TimeoutError || error instanceof WorkerGone) return null;
      throw error;
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker?.alive) return;
    worker.databases--;
    await worker.request({ op: "close", db: this.handle }, 10_000).catch(() => {});
  }
}
