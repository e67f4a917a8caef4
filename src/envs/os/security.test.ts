// The sandbox's security suite: an agent that tries to escape. Each attempt must fail or be contained,
// the host must be untouched, and no process may outlive its episode, also when agenttune is killed.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sandbox } from "./sandbox.js";
import { sandboxAvailable } from "./test-sandbox.js";

const hostDir = mkdtempSync(join(tmpdir(), "agenttune-host-"));

/** Host processes whose command line contains `marker`. */
function hostProcesses(marker: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", marker], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l && !l.includes("pgrep"));
  } catch {
    return [];
  }
}

async function withSandbox<T>(fn: (sandbox: Sandbox) => Promise<T>, options = {}): Promise<T> {
  const sandbox = await Sandbox.create(options);
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}

describe.skipIf(!sandboxAvailable)("sandbox security", () => {
  it("writes to host paths never reach the host", async () => {
    const target = join(hostDir, "written-by-agent");
    await withSandbox(async (s) => {
      await s.run(
        `mkdir -p ${hostDir}; echo pwned > ${target}; echo pwned > /usr/agenttune-pwned; echo pwned >> /etc/hosts; rm -rf /usr/share/doc`,
      );
      expect((await s.run("cat /usr/agenttune-pwned")).output).toBe("pwned"); // inside, the write worked
    });
    expect(existsSync(target)).toBe(false);
    expect(existsSync("/usr/agenttune-pwned")).toBe(false);
    expect(readFileSync("/etc/hosts", "utf8")).not.toContain("pwned");
    expect(existsSync("/usr/share/doc")).toBe(true);
  });

  it("cannot read a file the host made outside the sandbox", async () => {
    const secret = join(hostDir, "secret.txt");
    writeFileSync(secret, "host-secret-7c1f");
    const home = join(process.env.HOME ?? "/root", `.agenttune-secret-${process.pid}`);
    writeFileSync(home, "home-secret-7c1f");
    try {
      await withSandbox(async (s) => {
        const out = await s.run(
          `cat ${secret} ${home}; grep -r host-secret-7c1f /tmp /root /home 2>/dev/null | head -1`,
        );
        expect(out.output).not.toContain("secret-7c1f");
      });
    } finally {
      execFileSync("rm", ["-f", home]);
    }
  });

  it("has no network: a loopback server on the host is unreachable", async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.end("hello");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await withSandbox(async (s) => {
        const out = await s.run(
          `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), timeout=2)" 2>&1; echo rc=$?`,
          { timeoutMs: 5000 },
        );
        expect(out.output).toMatch(/rc=1/);
        expect((await s.run("ip -o link 2>/dev/null | grep -v ' lo:' | wc -l")).output).toBe("0");
      });
    } finally {
      server.close();
    }
    expect(connections).toBe(0);
  });

  it("contains a fork bomb and still closes cleanly", async () => {
    await withSandbox(
      async (s) => {
        const bomb = await s.run("bomb() { bomb | bomb & }; bomb; sleep 2; echo survived", {
          timeoutMs: 4000,
        });
        expect(bomb.timedOut || bomb.output.includes("survived") || bomb.output.includes("fork")).toBe(true);
      },
      { maxProcesses: 64 },
    );
    // the host can still start processes
    expect(execFileSync("echo", ["alive"], { encoding: "utf8" }).trim()).toBe("alive");
  }, 30_000);

  it("keeps a disk filler inside its own size limit", async () => {
    await withSandbox(
      async (s) => {
        const fill = await s.run(
          "dd if=/dev/zero of=/root/big bs=1M count=200 2>&1; du -sm /root/big | cut -f1",
          { timeoutMs: 20_000 },
        );
        expect(fill.output).toMatch(/No space left on device/);
        expect(Number(fill.output.split("\n").at(-1))).toBeLessThanOrEqual(64);
      },
      { diskMb: 64 },
    );
  }, 30_000);

  it("leaves no daemon behind when the episode closes", async () => {
    const marker = "314159.26";
    await withSandbox(async (s) => {
      await s.run(
        `setsid nohup sleep ${marker} >/dev/null 2>&1 & disown; (sleep ${marker} &) ; echo started`,
      );
      expect(hostProcesses(`sleep ${marker}`).length).toBeGreaterThan(0);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hostProcesses(`sleep ${marker}`)).toEqual([]);
  });

  it("cannot kill agenttune, and nothing survives when agenttune itself is killed", async () => {
    await withSandbox(async (s) => {
      await s.run(`kill -9 ${process.pid} 2>&1; kill -9 -1 2>/dev/null; echo tried`);
    });
    expect(process.kill(process.pid, 0)).toBe(true); // we are still here

    const marker = "271828.18";
    const script = `
      import { Sandbox } from ${JSON.stringify(new URL("./sandbox.ts", import.meta.url).pathname)};
      const s = await Sandbox.create();
      await s.run("setsid sleep ${marker} & sleep ${marker} & echo up");
      process.stdout.write("ready\\n");
      setInterval(() => {}, 1000);
    `;
    // its own process group, so that the kill reaches agenttune whatever launched it
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    expect(hostProcesses(`sleep ${marker}`).length).toBeGreaterThanOrEqual(2);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-(child.pid as number), "SIGKILL");
    await exited;
    for (let i = 0; i < 40 && hostProcesses(`sleep ${marker}`).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hostProcesses(`sleep ${marker}`)).toEqual([]);
  }, 30_000);
});
