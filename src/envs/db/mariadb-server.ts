// Starts a private mariadbd from the installed binaries in a temp datadir, on a free loopback port.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { EnvError } from "../../core/index.js";

export interface MariadbServer {
  socketPath: string;
  port: number;
  stop(): Promise<void>;
}

const binaries = ["mariadbd", "mysqld"];
const searchPath = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/libexec"];

export function findMariadbd(): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), ...searchPath]) {
    for (const name of binaries) {
      const path = join(dir, name);
      if (dir && existsSync(path)) return path;
    }
  }
  return undefined;
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
  const dir = mkdtempSync(join(tmpdir(), "agenttune-mariadb-"));
  const datadir = join(dir, "data");
  const socketPath = join(dir, "mysqld.sock");
  const asRoot = process.getuid?.() === 0 ? ["--user=root"] : [];
  try {
    await promisify(execFile)(installDb, [
      "--no-defaults",
      `--datadir=${datadir}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...asRoot,
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new EnvError(`mariadb-install-db failed: ${(error as Error).message.split("\n")[0]}`, {
      cause: error,
    });
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    mariadbd,
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      `--socket=${socketPath}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${join(dir, "mysqld.pid")}`,
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_general_ci",
      "--innodb-buffer-pool-size=64M",
      "--skip-log-bin",
      "--max-connections=500",
      ...asRoot,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
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
  return { socketPath, port, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
