// Starts a private mariadbd from the installed binaries in a temp datadir: as an unprivileged user (mysql,
// else nobody, when agenttune is root), no TCP (a socket in a private dir), a random root password,
// secure_file_priv on an empty dir of its own, and a watchdog that kills it and removes its files when
// agenttune dies, even by kill -9. Datadirs that dead runs left behind are removed at the next start.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { EnvError } from "../../core/index.js";

export interface MariadbServer {
  socketPath: string;
  /** Password of root@localhost (random, set at start). */
  rootPassword: string;
  /** Host uid the server runs as. */
  uid: number;
  pid: number;
  stop(): Promise<void>;
}

const binaries = ["mariadbd", "mysqld"];
const searchPath = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/libexec"];
const dirPrefix = "agenttune-mariadb-";

export function findMariadbd(): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), ...searchPath]) {
    for (const name of binaries) {
      const path = join(dir, name);
      if (dir && existsSync(path)) return path;
    }
  }
  return undefined;
}

/** Start time of a process (clock ticks since boot), so a reused pid is not mistaken for its owner. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Removes the datadirs of runs whose agenttune process is gone (and their servers, if still up). */
export function removeStaleServers(dir = tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(dirPrefix)) continue;
    const path = join(dir, name);
    let owner: { pid: number; start: string } | undefined;
    try {
      owner = JSON.parse(readFileSync(join(path, "owner.json"), "utf8"));
    } catch {
      // no owner file: a run from before owner files, or one half made
    }
    const server = runningServerPid(path);
    // its run is alive; without an owner file, its server is
    if (owner ? processStart(owner.pid) === owner.start : server !== undefined) continue;
    if (server !== undefined) {
      try {
        process.kill(server, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/** The pid of a mariadbd serving this dir, when one runs. */
function runningServerPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(path, "mysqld.pid"), "utf8").trim());
    return pid > 0 && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(path) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The account the server runs as when agenttune is root: mysql if it exists, else nobody. */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string, name: string) =>
    Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  for (const name of ["mysql", "nobody"]) {
    try {
      return { name, uid: id("-u", name), gid: id("-g", name) };
    } catch {
      // no such user
    }
  }
  throw new EnvError("mariadbd: neither a mysql nor a nobody user exists to run it as");
}

export async function startMariadbServer({ startTimeoutMs = 60_000 } = {}): Promise<MariadbServer> {
  const mariadbd = findMariadbd();
  if (!mariadbd) {
    throw new EnvError(
      "mariadbd not found: install mariadb-server (apt-get install mariadb-server) or pass a mysql:// URL",
    );
  }
  const installDb = [
    join(mariadbd, "../../bin/mariadb-install-db"),
    "/usr/bin/mariadb-install-db",
    "/usr/bin/mysql_install_db",
  ].find(existsSync);
  if (!installDb) throw new EnvError("mariadb-install-db not found next to mariadbd");
  removeStaleServers();
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  writeFileSync(
    join(dir, "owner.json"),
    JSON.stringify({ pid: process.pid, start: processStart(process.pid) }),
  );
  const datadir = join(dir, "data");
  const files = join(dir, "files"); // secure_file_priv: empty, and the only place file functions may touch
  const socketPath = join(dir, "mysqld.sock");
  const user = serverUser();
  mkdirSync(files, { mode: 0o700 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(files, user.uid, user.gid);
  }
  const asUser = user ? [`--user=${user.name}`] : [];
  try {
    await promisify(execFile)(installDb, [
      "--no-defaults",
      `--datadir=${datadir}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...asUser,
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new EnvError(`mariadb-install-db failed: ${(error as Error).message.split("\n")[0]}`, {
      cause: error,
    });
  }
  const child: ChildProcess = spawn(
    mariadbd,
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      `--socket=${socketPath}`,
      "--skip-networking",
      `--secure-file-priv=${files}`,
      `--pid-file=${join(dir, "mysqld.pid")}`,
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_general_ci",
      "--innodb-buffer-pool-size=64M",
      "--skip-log-bin",
      "--max-connections=500",
      ...asUser,
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const watchdog = startWatchdog(child.pid ?? 0, dir);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    watchdog.kill("SIGKILL"); // stopped in order: nothing left for it to do
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + startTimeoutMs;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new EnvError(`mariadbd did not start: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    socketPath,
    rootPassword: randomBytes(18).toString("base64url"),
    uid: user?.uid ?? process.getuid?.() ?? 0,
    pid: child.pid ?? 0,
    stop,
  };
}

/**
 * A detached shell that waits on a pipe from agenttune: when agenttune exits in any way (kill -9
 * included) the pipe closes, and it kills the server and removes its files.
 */
function startWatchdog(pid: number, dir: string): ChildProcess {
  const watchdog = spawn(
    "sh",
    ["-c", 'read _ignored; kill -KILL "$1" 2>/dev/null; sleep 1; rm -rf "$2"', "watchdog", String(pid), dir],
    {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true,
    },
  );
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}
