// A Linux sandbox per episode without a daemon. Inside a user namespace whose 65,536 ids are an unused
// subordinate range on the host (so the sandbox's root is nobody outside), a sized tmpfs holds an overlay
// of the clean image (or, without one, a read-only view of the host's system dirs); bubblewrap adds
// fresh pid/net/ipc/uts namespaces, Docker's capability set and a scrubbed environment. A cgroup bounds
// memory (tmpfs included), processes and CPU; prlimit sets what no shell command can undo. One persistent
// bash on a pty for the agent; init scripts and trusted judges run beside it (see sandbox-scripts.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { EnvError } from "../../../core/index.js";
import { cgroupSupport, EpisodeCgroup } from "./cgroup.js";
import { openFilesLimit, runningProcesses, sandboxProblem } from "./host.js";
import { mappedIds, sandboxIdMap } from "./idmap.js";
import type { OsImage } from "./image.js";
import { judgeScript, setupScript } from "./sandbox-scripts.js";

export { type SandboxIsolation, sandboxIsolation, sandboxProblem } from "./host.js";

export interface SandboxOptions {
  /** The clean root filesystem (see image.ts); without one, the host's system dirs read-only. */
  image?: OsImage;
  /** Size of the tmpfs holding every write of the episode, /dev/shm included (MiB). */
  diskMb?: number;
  /** Memory of the whole episode, tmpfs pages included (cgroup; MiB). Without a cgroup: per process. */
  memoryMb?: number;
  /** Most processes at once (cgroup pids; without root, RLIMIT_NPROC over the user's processes). */
  maxProcesses?: number;
  /** CPU time as cores (cgroup cpu quota). */
  cpus?: number;
  /** Most bytes of output kept per action. */
  outputLimit?: number;
}

export interface RunOptions {
  timeoutMs?: number;
  agentbench?: { idleMs: number; capMs: number };
  raw?: boolean;
}

export interface ShellResult {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
}

export type ScriptLanguage = "bash" | "python" | "c" | "c++";

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
const ansi = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

/** Output as a person reads it: terminal escapes and carriage returns removed. */
export function cleanTerminalOutput(text: string): string {
  return text.replace(ansi, "").replace(/\r+\n/g, "\n").replace(/\r/g, "");
}

const pendingCleanups = new Set<Promise<void>>();

function track(cleanup: Promise<void>) {
  pendingCleanups.add(cleanup);
  void cleanup.finally(() => pendingCleanups.delete(cleanup));
}

/** The agent ended its own shell: the episode's failure, not the backend's. */
export class ShellExited extends Error {
  constructor() {
    super("the agent's shell exited");
  }
}

/** Runs argv[1] as __main__ after defining exit()/quit() as site would, without site's path processing. */
const judgePythonBootstrap = [
  "import runpy, site, sys",
  "site.setquit()",
  'sys.path.append("/usr/lib/python3/dist-packages")',
  "sys.argv = sys.argv[1:]",
  'runpy.run_path(sys.argv[0], run_name="__main__")',
].join("; ");

export class Sandbox {
  private buffer = "";
  private waiters: (() => void)[] = [];
  private control = "";
  private controlWaiters: (() => void)[] = [];
  private jobs = 0;
  private closed = false;
  /** The agent's shell ended (`exit`, `kill -9 $$`): the episode's processes are gone. */
  shellExited = false;
  private readonly nonce = randomBytes(6).toString("hex");
  /** Numbers each command's sentinel, so a late one (AgentBench's rule) is told from the current. */
  private sequence = 0;
  private lastOutputAt = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly ctlDir: string,
    private readonly baseDir: string,
    private readonly cgroup: EpisodeCgroup | undefined,
    private readonly outputLimit: number,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.buffer += chunk;
      this.lastOutputAt = Date.now();
      if (this.buffer.length > outputLimit * 2) this.buffer = this.buffer.slice(-outputLimit * 2);
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stdout?.once("end", () => {
      this.shellExited = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
    (child.stdio[4] as Readable).setEncoding("utf8").on("data", (chunk: string) => {
      this.control += chunk;
      for (const wake of this.controlWaiters.splice(0)) wake();
    });
    child.once("exit", () => {
      this.closed = true;
      for (const wake of [...this.waiters.splice(0), ...this.controlWaiters.splice(0)]) wake();
    });
  }

  static async create({
    image,
    diskMb = 512,
    memoryMb = 1024,
    maxProcesses = 512,
    cpus = 1,
    outputLimit = 1_000_000,
  }: SandboxOptions = {}): Promise<Sandbox> {
    const problem = sandboxProblem();
    if (problem) throw new EnvError(`os sandbox: ${problem}`);
    const ids = sandboxIdMap();
    if (image && (image.manifest.uidBase ?? undefined) !== ids?.uid.start)
      throw new EnvError(
        `os sandbox: the image at ${image.rootfs} is owned by ids from ${image.manifest.uidBase ?? "your uid"}, the sandbox maps ${ids?.uid.start ?? "your uid"}: rebuild it (agenttune os image --force)`,
      );
    const base = mkdtempSync(join(tmpdir(), "agenttune-sandbox-"));
    const ctlDir = join(base, "ctl");
    const mountDir = join(base, "root");
    mkdirSync(ctlDir, { mode: 0o755 });
    mkdirSync(mountDir);
    chmodSync(base, 0o755);
    if (ids) chownSync(mountDir, ids.uid.start, ids.gid.start);
    const cgroup = EpisodeCgroup.create({ memoryMb, maxProcesses, cpus });
    const held = cgroupSupport().controllers;
    // limits no process inside can raise (set before the namespace exists)
    const limits = ["--core=0", `--nofile=${openFilesLimit()}`];
    if (!cgroup || !held.includes("memory")) limits.push(`--as=${memoryMb * 1024 * 1024}`);
    if (!ids && (!cgroup || !held.includes("pids")))
      limits.push(`--nproc=${runningProcesses() + maxProcesses}`);
    const userns = ids
      ? [
          `--map-users=${ids.uid.start},0,${mappedIds}`,
          `--map-groups=${ids.gid.start},0,${mappedIds}`,
          "--setuid",
          "0",
          "--setgid",
          "0",
        ]
      : ["--map-root-user"];
    const child = spawn(
      "prlimit",
      [
        ...limits,
        "unshare",
        "--user",
        ...userns,
        "--mount",
        "--propagation",
        "private",
        "bash",
        "--noprofile",
        "--norc",
        "-c",
        setupScript,
        "sandbox",
        mountDir,
        ctlDir,
        image?.rootfs ?? "",
        String(diskMb),
        judgeScript,
      ],
      // nothing of agenttune's environment (API keys…) reaches the sandbox
      {
        stdio: ["pipe", "pipe", "pipe", "pipe", "pipe"],
        env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
        cwd: "/",
      },
    );
    // a sandbox that died is seen through its exit; writes to its pipes must not throw
    for (const stream of [child.stdin, child.stdio[3]]) (stream as Writable | null)?.on("error", () => {});
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const sandbox = new Sandbox(child, ctlDir, base, cgroup, outputLimit);
    try {
      if (child.pid === undefined) throw new Error("prlimit did not start");
      cgroup?.add(child.pid);
      (child.stdio[3] as Writable).write("go\n");
      // make the agent's shell quiet and exact: no echo, no prompts, no CR/LF translation
      await sandbox.run("stty -echo -onlcr 2>/dev/null; PS1=''; PS2=''; PROMPT_COMMAND=''; unset HISTFILE", {
        timeoutMs: 15_000,
      });
      if (sandbox.closed) throw new Error("the sandbox exited");
    } catch (error) {
      await sandbox.close();
      throw new EnvError(
        `os sandbox did not start: ${stderr.trim().split("\n").slice(-2).join(" | ") || (error as Error).message}`,
      );
    }
    return sandbox;
  }

  private async waitFor(test: () => boolean, deadline: number, waiters: (() => void)[]): Promise<boolean> {
    while (!test()) {
      if (this.closed || Date.now() >= deadline) return test();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /**
   * Runs `command` in the agent's persistent shell. agenttune's rule (default): after `timeoutMs`,
   * Ctrl-C and the output so far. `agentbench`: AgentBench's rule instead (os_interaction/task.py
   * execute): return when the command is done, after `idleMs` without new output, or `capMs` in all,
   * and never interrupt: the command runs on and the next one waits for it in the shell's input, as
   * typed into a terminal. `raw`: the output as the tty gives it (newlines as CRLF, escapes kept).
   */
  async run(
    command: string,
    { timeoutMs = 10_000, agentbench, raw = false }: RunOptions = {},
  ): Promise<ShellResult> {
    if (this.closed) throw new EnvError("os sandbox: the shell has exited");
    if (this.shellExited) throw new ShellExited();
    const sequence = ++this.sequence;
    const marker = new RegExp(`\\x1eAT${this.nonce}:${sequence}:(\\d+)\\x1e\\n?`);
    // AgentBench reads on where the last command left off; agenttune's rule starts clean
    if (!agentbench) this.buffer = "";
    const stdin = this.child.stdin as Writable;
    const sentinel = `__at_rc=$?; printf '\\036AT%s:%d:%d\\036\\n' ${this.nonce} ${sequence} "$__at_rc"\n`;
    const sentAt = Date.now();
    this.lastOutputAt = sentAt;
    stdin.write(`${command}\n${sentinel}`);
    let timedOut: boolean;
    if (agentbench) {
      const done = () => marker.test(this.buffer) || this.shellExited;
      // the deadline moves with every chunk of output, as AgentBench's 5 s socket timeout per read
      while (!done() && !this.closed) {
        const deadline = Math.min(this.lastOutputAt + agentbench.idleMs, sentAt + agentbench.capMs);
        if (Date.now() >= deadline) break;
        await this.waitFor(done, deadline, this.waiters);
      }
      timedOut = !marker.test(this.buffer);
    } else {
      timedOut = !(await this.waitFor(
        () => marker.test(this.buffer) || this.shellExited,
        sentAt + timeoutMs,
        this.waiters,
      ));
    }
    if (this.shellExited && !marker.test(this.buffer)) throw new ShellExited();
    if (timedOut && !agentbench && !this.closed) {
      // interrupt what runs (or an unfinished quote) and resynchronise the shell
      const before = this.buffer;
      stdin.write("\x03");
      await new Promise((resolve) => setTimeout(resolve, 100));
      stdin.write(`\n${sentinel}`);
      await this.waitFor(() => marker.test(this.buffer), Date.now() + 3000, this.waiters);
      this.buffer = before;
    }
    const match = marker.exec(this.buffer);
    const upTo = match ? this.buffer.slice(0, match.index) : this.buffer;
    this.buffer = match ? this.buffer.slice(match.index + match[0].length) : "";
    // earlier commands' sentinels (AgentBench's rule lets them finish later) are not output
    const text = upTo.replace(new RegExp(`\\x1eAT${this.nonce}:\\d+:\\d+\\x1e\\n?`, "g"), "");
    // the shell's tty runs with -onlcr; a terminal's onlcr writes every newline as CRLF
    let output = raw ? text.replace(/\n/g, "\r\n") : cleanTerminalOutput(text);
    if (output.length > this.outputLimit)
      output = `${output.slice(0, this.outputLimit)}\n[output cut at ${this.outputLimit} characters]`;
    return {
      output: raw ? output : output.replace(/\n$/, ""),
      exitCode: match ? Number(match[1]) : null,
      timedOut,
    };
  }

  /**
   * Runs a script as its own process (not in the agent's shell), with arguments and a fixed environment.
   * `judge`: in the trusted view (the image's own tools and loader, every agent process stopped), as
   * check scripts must; otherwise in the agent's view, as init scripts are.
   */
  async runScript(
    language: ScriptLanguage,
    code: string,
    args: readonly string[] = [],
    { timeoutMs = 60_000, judge = false } = {},
  ): Promise<ShellResult> {
    if (this.closed) throw new EnvError("os sandbox: closed");
    const id = `job${++this.jobs}`;
    const file = (suffix: string) => join(this.ctlDir, `${id}.${suffix}`);
    const inside = (suffix: string) => `/run/agenttune/${id}.${suffix}`;
    const ext = { bash: "sh", python: "py", c: "c", "c++": "cpp" }[language];
    writeFileSync(file(ext), code, { mode: 0o644 });
    for (const [i, arg] of args.entries()) writeFileSync(file(`a${i}`), arg, { mode: 0o644 });
    // arguments are read back byte for byte (command substitution would drop trailing newlines)
    const reads = args
      .map((_, i) => `a${i}="$(cat ${inside(`a${i}`)}; printf x)"; a${i}="\${a${i}%x}"`)
      .join("\n");
    const argv = args.map((_, i) => `"$a${i}"`).join(" ");
    const seconds = Math.ceil(timeoutMs / 1000);
    // A judge's python skips site processing and user site (.pth files, sitecustomize the agent may
    // plant in /usr/local) but keeps what site gives a script: exit() and quit(), which AgentBench's
    // check scripts call, and the image's own dist-packages (restored in the judge's view)
    const python = judge ? `python3 -I -S -c '${judgePythonBootstrap}'` : "python3";
    // exec: the script is the job's one process, as a `docker exec` of it would be (the time limit is
    // kept from outside the sandbox)
    // bash as AgentBench's execute_independent runs it: `bash -c CODE [-- ARGS…]`, so that what `ps`
    // shows of a check (and `grep -v grep` drops) is the same
    const readCode = `c="$(cat ${inside(ext)}; printf x)"; c="\${c%x}"`;
    const command = {
      bash: `${readCode}\nexec bash -c "$c"${args.length ? ` -- ${argv}` : ""}`,
      python: `exec ${python} ${inside(ext)} ${argv}`,
      c: `gcc -o /tmp/.${id} ${inside(ext)} && exec /tmp/.${id} ${argv}`,
      "c++": `g++ -o /tmp/.${id} ${inside(ext)} && exec /tmp/.${id} ${argv}`,
    }[language];
    writeFileSync(file("run"), `${reads}\ncd /root\n${command}\n`, { mode: 0o644 });
    (this.child.stdio[3] as Writable).write(`${id} ${judge ? "judge" : "agent"} ${seconds}\n`);
    const line = new RegExp(`^${id}\\x1e([^\\x1e]*)\\x1e(\\d+)$`, "m");
    const done = await this.waitFor(
      () => line.test(this.control),
      Date.now() + timeoutMs + 10_000,
      this.controlWaiters,
    );
    for (const suffix of [ext, "run", ...args.map((_, i) => `a${i}`)]) rmSync(file(suffix), { force: true });
    if (!done) return { output: "", exitCode: null, timedOut: true };
    const [, encoded = "", rc = "1"] = line.exec(this.control) ?? [];
    return { output: Buffer.from(encoded, "base64").toString("utf8"), exitCode: Number(rc), timedOut: false };
  }

  /** Times the episode hit its memory limit (0 without a memory cgroup). */
  memoryLimitHits(): number {
    return this.cgroup?.memoryEvents() ?? 0;
  }

  /** Neither closed nor left without its shell: a sandbox an episode can start in. */
  get usable(): boolean {
    return !this.closed && !this.shellExited;
  }

  /** Kills every process of the episode; the tmpfs with all its writes goes with the namespace. */
  async close(): Promise<void> {
    if (!this.closed && this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await exited;
    }
    rmSync(this.baseDir, { recursive: true, force: true });
    // the pid namespace's end kills the rest; its cgroup is removed as the kernel lets go of it
    if (this.cgroup) track(this.cgroup.destroy());
  }

  /** Resolves when every closed sandbox's cgroup is gone (backends await it when they close). */
  static async settled(): Promise<void> {
    await Promise.all(pendingCleanups);
  }
}
