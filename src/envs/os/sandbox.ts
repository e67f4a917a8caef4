// A Linux sandbox per episode without a daemon: bubblewrap with every namespace unshared inside a user +
// mount namespace whose tmpfs holds overlays of the host's /usr, /var and /opt and a copy of /etc, so the
// agent may write anywhere and nothing reaches the host. One persistent bash on a pty for the agent
// (state persists between actions), and a control shell for independent scripts (init, checks).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { EnvError } from "../../core/index.js";

export interface SandboxOptions {
  /** Size of the tmpfs holding every write of the episode (MiB). */
  diskMb?: number;
  /** Most processes at once (cgroup pids.max when agenttune runs as root, else ulimit -u). */
  maxProcesses?: number;
  /** Virtual memory per process (MiB, ulimit -v). */
  memoryMb?: number;
  /** Most bytes of output kept per action. */
  outputLimit?: number;
}

export interface ShellResult {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
}

export type ScriptLanguage = "bash" | "python" | "c" | "c++";

const controlScript = `# agenttune control shell: runs independent scripts, one job id per line on fd 3, results on fd 4
while IFS= read -r id <&3; do
  out=$(bash --noprofile --norc "/run/agenttune/$id.run" </dev/null 2>&1; printf '\\036%d' "$?")
  rc=\${out##*$'\\036'}
  out=\${out%$'\\036'*}
  printf '%s\\036%s\\036%s\\n' "$id" "$(printf '%s' "$out" | base64 -w0)" "$rc" >&4
done
`;

/** Checks that the tools are there, with a clear message when not. */
export function sandboxProblem(): string | undefined {
  for (const tool of ["bwrap", "unshare", "script"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      return `${tool} not found: apt-get install ${tool === "bwrap" ? "bubblewrap" : "util-linux bsdutils"}`;
    }
  }
  return undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
const ansi = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

/** Output as a person reads it: terminal escapes and carriage returns removed. */
export function cleanTerminalOutput(text: string): string {
  return text.replace(ansi, "").replace(/\r+\n/g, "\n").replace(/\r/g, "");
}

export class Sandbox {
  private buffer = "";
  private waiters: (() => void)[] = [];
  private control = "";
  private controlWaiters: (() => void)[] = [];
  private jobs = 0;
  private closed = false;
  private readonly nonce = randomBytes(6).toString("hex");

  private constructor(
    private readonly child: ChildProcess,
    private readonly ctlDir: string,
    private readonly mountDir: string,
    private readonly cgroup: string | undefined,
    private readonly outputLimit: number,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.buffer += chunk;
      if (this.buffer.length > outputLimit * 2) this.buffer = this.buffer.slice(-outputLimit * 2);
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
    diskMb = 512,
    maxProcesses = 512,
    memoryMb = 4096,
    outputLimit = 1_000_000,
  }: SandboxOptions = {}): Promise<Sandbox> {
    const problem = sandboxProblem();
    if (problem) throw new EnvError(`os sandbox: ${problem}`);
    const base = mkdtempSync(join(tmpdir(), "agenttune-sandbox-"));
    const ctlDir = join(base, "ctl");
    const mountDir = join(base, "root");
    mkdirSync(ctlDir);
    mkdirSync(mountDir);
    writeFileSync(join(ctlDir, "control.sh"), controlScript);
    // runs in the new user + mount namespace: private tmpfs, overlays, then bwrap
    const setup = `set -e
D="$1"
read -r go <&3
mount -t tmpfs -o size=${diskMb}m,mode=755 tmpfs "$D"
for d in usr var opt; do
  [ -d "/$d" ] || continue
  mkdir -p "$D/u/$d" "$D/w/$d" "$D/m/$d"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$D/u/$d,workdir=$D/w/$d" "$D/m/$d"
done
mkdir -p "$D/m/opt"
cp -a /etc "$D/etc" 2>/dev/null || true
mkdir -p "$D/root" "$D/home" "$D/srv" "$D/mnt" "$D/tmp"
chmod 1777 "$D/tmp"
ulimit -u ${maxProcesses} 2>/dev/null || true
ulimit -v ${memoryMb * 1024} 2>/dev/null || true
exec bwrap --unshare-all --die-with-parent --new-session \\
  --tmpfs / --bind "$D/m/usr" /usr --bind "$D/etc" /etc --bind "$D/m/var" /var --bind "$D/m/opt" /opt \\
  --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/sbin /sbin \\
  --bind "$D/root" /root --bind "$D/home" /home --bind "$D/srv" /srv --bind "$D/mnt" /mnt --bind "$D/tmp" /tmp \\
  --ro-bind "$2" /run/agenttune --proc /proc --dev /dev --chdir /root --hostname sandbox \\
  --setenv HOME /root --setenv USER root --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
  --setenv TERM dumb --setenv LANG C.UTF-8 --uid 0 --gid 0 \\
  /bin/bash --noprofile --norc -c 'bash --noprofile --norc /run/agenttune/control.sh & exec 3<&- 4>&-; exec script -qfc "bash --noprofile --norc --noediting" /dev/null'
`;
    const child = spawn(
      "unshare",
      [
        "--user",
        "--map-root-user",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        setup,
        "sandbox",
        mountDir,
        ctlDir,
      ],
      {
        stdio: ["pipe", "pipe", "pipe", "pipe", "pipe"],
      },
    );
    const cgroup = joinCgroup(child.pid, maxProcesses);
    (child.stdio[3] as Writable).write("go\n");
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const sandbox = new Sandbox(child, ctlDir, base, cgroup, outputLimit);
    try {
      // make the agent's shell quiet and exact: no echo, no prompts, no CR/LF translation
      await sandbox.run("stty -echo -onlcr 2>/dev/null; PS1=''; PS2=''; PROMPT_COMMAND=''; unset HISTFILE", {
        timeoutMs: 15_000,
      });
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

  /** Runs `command` in the agent's persistent shell; after the timeout, Ctrl-C and the output so far. */
  async run(command: string, { timeoutMs = 10_000 } = {}): Promise<ShellResult> {
    if (this.closed) throw new EnvError("os sandbox: the shell has exited");
    const marker = new RegExp(`\\x1eAT${this.nonce}:(\\d+)\\x1e`);
    this.buffer = "";
    const stdin = this.child.stdin as Writable;
    const sentinel = `__at_rc=$?; printf '\\036AT%s:%d\\036\\n' ${this.nonce} "$__at_rc"\n`;
    stdin.write(`${command}\n${sentinel}`);
    let timedOut = !(await this.waitFor(
      () => marker.test(this.buffer),
      Date.now() + timeoutMs,
      this.waiters,
    ));
    if (timedOut && !this.closed) {
      // interrupt what runs (or an unfinished quote) and resynchronise the shell
      const before = this.buffer;
      stdin.write("\x03");
      await new Promise((resolve) => setTimeout(resolve, 100));
      stdin.write(`\n${sentinel}`);
      await this.waitFor(() => marker.test(this.buffer), Date.now() + 3000, this.waiters);
      this.buffer = before;
      timedOut = true;
    }
    const match = marker.exec(this.buffer);
    const raw = match ? this.buffer.slice(0, match.index) : this.buffer;
    this.buffer = "";
    let output = cleanTerminalOutput(raw);
    if (output.length > this.outputLimit)
      output = `${output.slice(0, this.outputLimit)}\n[output cut at ${this.outputLimit} characters]`;
    return { output: output.replace(/\n$/, ""), exitCode: match ? Number(match[1]) : null, timedOut };
  }

  /** Runs a script as its own process in the sandbox (not in the agent's shell), with arguments. */
  async runScript(
    language: ScriptLanguage,
    code: string,
    args: readonly string[] = [],
    { timeoutMs = 60_000 } = {},
  ): Promise<ShellResult> {
    if (this.closed) throw new EnvError("os sandbox: closed");
    const id = `job${++this.jobs}`;
    const file = (suffix: string) => join(this.ctlDir, `${id}.${suffix}`);
    const inside = (suffix: string) => `/run/agenttune/${id}.${suffix}`;
    const ext = { bash: "sh", python: "py", c: "c", "c++": "cpp" }[language];
    writeFileSync(file(ext), code);
    for (const [i, arg] of args.entries()) writeFileSync(file(`a${i}`), arg);
    // arguments are read back byte for byte (command substitution would drop trailing newlines)
    const reads = args
      .map((_, i) => `a${i}="$(cat ${inside(`a${i}`)}; printf x)"; a${i}="\${a${i}%x}"`)
      .join("\n");
    const argv = args.map((_, i) => `"$a${i}"`).join(" ");
    const seconds = Math.ceil(timeoutMs / 1000);
    const command = {
      bash: `timeout ${seconds} bash ${inside(ext)} ${argv}`,
      python: `timeout ${seconds} python3 ${inside(ext)} ${argv}`,
      c: `gcc -o /tmp/.${id} ${inside(ext)} && timeout ${seconds} /tmp/.${id} ${argv}`,
      "c++": `g++ -o /tmp/.${id} ${inside(ext)} && timeout ${seconds} /tmp/.${id} ${argv}`,
    }[language];
    writeFileSync(file("run"), `${reads}\ncd /root\n${command}\n`);
    (this.child.stdio[3] as Writable).write(`${id}\n`);
    const line = new RegExp(`^${id}\\x1e([^\\x1e]*)\\x1e(\\d+)$`, "m");
    const done = await this.waitFor(
      () => line.test(this.control),
      Date.now() + timeoutMs + 5000,
      this.controlWaiters,
    );
    for (const suffix of [ext, "run", ...args.map((_, i) => `a${i}`)]) rmSync(file(suffix), { force: true });
    if (!done) return { output: "", exitCode: null, timedOut: true };
    const [, encoded = "", rc = "1"] = line.exec(this.control) ?? [];
    return { output: Buffer.from(encoded, "base64").toString("utf8"), exitCode: Number(rc), timedOut: false };
  }

  /** Kills every process of the episode; the tmpfs with all its writes goes with the namespace. */
  async close(): Promise<void> {
    if (!this.closed) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await exited;
    }
    if (this.cgroup) {
      for (let i = 0; i < 100 && existsSync(this.cgroup); i++) {
        try {
          rmdirSync(this.cgroup);
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 20)); // processes still leaving
        }
      }
    }
    rmSync(this.mountDir, { recursive: true, force: true });
  }
}

/** Puts the sandbox into its own pids cgroup when we may (root, cgroup v1 or v2); undefined otherwise. */
function joinCgroup(pid: number | undefined, maxProcesses: number): string | undefined {
  if (pid === undefined || process.getuid?.() !== 0) return undefined;
  for (const root of ["/sys/fs/cgroup/pids", "/sys/fs/cgroup"]) {
    if (!existsSync(join(root, "cgroup.procs"))) continue;
    const dir = join(root, `agenttune-${pid}-${randomBytes(3).toString("hex")}`);
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, "pids.max"), String(maxProcesses));
      writeFileSync(join(dir, "cgroup.procs"), String(pid));
      return dir;
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return undefined;
}
