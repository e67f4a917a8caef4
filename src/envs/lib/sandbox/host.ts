// What this machine gives the os sandbox: the tools it needs, how much of its isolation holds here (id
// map, cgroup controllers), and the host limits a sandbox's own limits are set from.
import { execFileSync } from "node:child_process";
import { type CgroupSupport, cgroupSupport } from "./cgroup.js";

/** What holds on this machine, for the warning line and the README's security model. */
export interface SandboxIsolation {
  /** "full": root inside is an unprivileged subordinate uid outside; "single": it is the invoking user. */
  idMap: "full" | "single";
  cgroup: CgroupSupport;
  /** One line naming what is not enforced here, or undefined when everything is. */
  warning?: string;
}

const tools: [string, string][] = [
  ["bwrap", "bubblewrap"],
  ["unshare", "util-linux"],
  ["nsenter", "util-linux"],
  ["prlimit", "util-linux"],
  ["script", "bsdutils"],
  ["bash", "bash"],
];

let checkedProblem: { problem: string | undefined } | undefined;

/** Checks that the tools are there, with a clear message when not (once per process). */
export function sandboxProblem(): string | undefined {
  checkedProblem ??= { problem: findSandboxProblem() };
  return checkedProblem.problem;
}

function findSandboxProblem(): string | undefined {
  for (const [tool, pkg] of tools) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      return `${tool} not found: apt-get install ${pkg}`;
    }
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync("sh", ["-c", "command -v newuidmap && command -v newgidmap"], { stdio: "ignore" });
    } catch {
      return "newuidmap not found (needed for the sandbox's unprivileged root): apt-get install uidmap";
    }
  }
  return undefined;
}

export function sandboxIsolation(): SandboxIsolation {
  const full = process.getuid?.() === 0;
  const cgroup = cgroupSupport();
  const gaps: string[] = [];
  if (!full)
    gaps.push(
      "not root, so the sandbox's root is your own uid (no id map, no clean image; useradd/chown of other ids fail)",
    );
  if (!cgroup.controllers.includes("memory"))
    gaps.push("no memory cgroup: memory is bounded per process only (RLIMIT_AS), not per episode");
  if (!cgroup.controllers.includes("pids"))
    gaps.push("no pids cgroup: the process limit counts all of your processes (RLIMIT_NPROC)");
  if (!cgroup.controllers.includes("cpu")) gaps.push("no cpu cgroup: CPU time is not bounded");
  return {
    idMap: full ? "full" : "single",
    cgroup,
    warning: gaps.length
      ? `os sandbox: ${gaps.join("; ")} (${cgroup.missing ?? "see README, Security model"})`
      : undefined,
  };
}

let openFiles: number | undefined;

/** 8,192 open files, or the host's hard limit when lower (no one may raise a hard limit). */
export function openFilesLimit(): number {
  if (openFiles === undefined) {
    const hard = execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
    openFiles = hard === "unlimited" ? 8192 : Math.min(8192, Number(hard) || 1024);
  }
  return openFiles;
}

/** The invoking user's running processes (RLIMIT_NPROC counts them all). */
export function runningProcesses(): number {
  try {
    return Number(execFileSync("sh", ["-c", 'ps -u "$(id -u)" -o pid= | wc -l'], { encoding: "utf8" }));
  } catch {
    return 0;
  }
}
