// The sandbox's security suite: an agent that tries to escape, leak, exhaust or cheat. Each attempt must
// fail or be contained, the host must be untouched (files, sysctls, processes, the cached image), and the
// episode (or the next one) must go on.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { cgroupSupport } from "../lib/sandbox/cgroup.js";
import { Sandbox, type SandboxOptions } from "../lib/sandbox/sandbox.js";
import { imageAvailable, sandboxAvailable, testImage } from "../lib/sandbox/test-sandbox.js";
import { judgeOsAnswer, OsEnvironment } from "./env.js";
import type { OsTask } from "./tasks.js";

const hostDir = mkdtempSync(join(tmpdir(), "agenttune-host-"));
afterAll(() => rmSync(hostDir, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

/** Whether uid 65534 can run a file: readable and executable by others, every dir on the way enterable. */
function nobodyCanRun(file: string): boolean {
  if ((statSync(file).mode & 0o005) !== 0o005) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (!(statSync(dir).mode & 0o001)) return false;
    if (dir === dirname(dir)) return true;
  }
}
const cgroups = cgroupSupport().controllers;

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

async function withSandbox<T>(
  fn: (sandbox: Sandbox) => Promise<T>,
  options: SandboxOptions = {},
): Promise<T> {
  const sandbox = await Sandbox.create({ image: testImage, ...options });
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.close();
  }
}

/** Files of the image whose bytes an attack could change, hashed. */
function imageFingerprint(): string {
  if (!testImage) return "";
  const hash = createHash("sha256");
  for (const f of [
    "usr/bin/timeout",
    "usr/bin/python3.11",
    "etc/passwd",
    "usr/lib/x86_64-linux-gnu/libc.so.6",
  ]) {
    const path = join(testImage.rootfs, f);
    hash.update(existsSync(path) ? readFileSync(path) : "missing");
  }
  return hash.digest("hex");
}

describe.skipIf(!sandboxAvailable)("sandbox security", () => {
  it("host root cannot be reached through kernel.core_pattern, sysctls or sysrq", async () => {
    const proof = join(hostDir, "core-proof");
    const statInterval = readFileSync("/proc/sys/vm/stat_interval", "utf8");
    const corePattern = readFileSync("/proc/sys/kernel/core_pattern", "utf8");
    await withSandbox(async (s) => {
      const out = await s.run(
        `echo "|/usr/bin/touch ${proof}" > /proc/sys/kernel/core_pattern; echo 7 > /proc/sys/vm/stat_interval; ` +
          `sysctl -w vm.stat_interval=9 2>&1; echo b > /proc/sysrq-trigger; ulimit -c unlimited; sleep 100 & kill -SEGV $!; wait; echo done`,
        { timeoutMs: 10_000 },
      );
      expect(out.output).toMatch(/Permission denied|Read-only file system/);
      expect(out.output).toContain("done");
    });
    expect(existsSync(proof)).toBe(false);
    expect(readFileSync("/proc/sys/vm/stat_interval", "utf8")).toBe(statInterval);
    expect(readFileSync("/proc/sys/kernel/core_pattern", "utf8")).toBe(corePattern);
  });

  it.skipIf(!isRoot)("root inside is an unprivileged uid on the host", async () => {
    await withSandbox(async (s) => {
      await s.run("sleep 314.15 &");
      const [line] = hostProcesses("sleep 314.15");
      const pid = Number(line?.split(" ")[0]);
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
      expect(uid).toBeGreaterThanOrEqual(65_536);
      expect((await s.run("id -u; cat /proc/self/uid_map | wc -l")).output).toBe("0\n1");
    });
  });

  it("agenttune's environment (API keys, tokens) never reaches the sandbox, its scripts or its judges", async () => {
    const secrets = {
      OPENAI_API_KEY: "sk-leak-5d2e",
      HF_TOKEN: "hf_leak_5d2e",
      AGENTTUNE_SECRET: "leak-5d2e",
    };
    Object.assign(process.env, secrets);
    try {
      await withSandbox(async (s) => {
        const agent = await s.run(
          "env; cat /proc/1/environ /proc/*/environ 2>/dev/null | tr '\\0' '\\n'; set",
        );
        const init = await s.runScript("bash", "env; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'");
        const judge = await s.runScript("python", "import os; print(dict(os.environ))", [], { judge: true });
        for (const text of [agent.output, init.output, judge.output]) expect(text).not.toContain("leak-5d2e");
        expect(agent.output).toContain("HOME=/root");
      });
    } finally {
      for (const key of Object.keys(secrets)) delete process.env[key];
    }
  });

  it("root-only host files stay unreadable, also in the host view", async () => {
    const secret = join("/var/tmp", `agenttune-secret-${process.pid}`);
    writeFileSync(secret, "host-secret-7c1f", { mode: 0o600 });
    const home = join(process.env.HOME ?? "/root", `.agenttune-secret-${process.pid}`);
    writeFileSync(home, "home-secret-7c1f", { mode: 0o600 });
    try {
      for (const image of [testImage, undefined]) {
        await withSandbox(
          async (s) => {
            const out = await s.run(
              `cat ${secret} ${home} /etc/shadow 2>&1; grep -rs secret-7c1f /etc /var/tmp /opt /root /home /tmp | head -1`,
            );
            expect(out.output).not.toContain("secret-7c1f");
            if (isRoot && image === undefined) expect(out.output).toMatch(/shadow: Permission denied/);
          },
          { image },
        );
      }
    } finally {
      rmSync(secret, { force: true });
      rmSync(home, { force: true });
    }
  });

  it("writes to host paths never reach the host, nor the cached image", async () => {
    const target = join(hostDir, "written-by-agent");
    const before = imageFingerprint();
    await withSandbox(async (s) => {
      await s.run(
        `mkdir -p ${hostDir}; echo pwned > ${target}; echo pwned > /usr/agenttune-pwned; echo pwned >> /etc/passwd; ` +
          "echo pwned > /usr/bin/timeout; rm -rf /usr/lib/x86_64-linux-gnu/libc.so.6 /usr/share/doc 2>&1",
      );
      // inside, it worked (a builtin: without libc no program starts)
      if (testImage) expect((await s.run("read -r x < /usr/agenttune-pwned; echo $x")).output).toBe("pwned");
    });
    expect(existsSync(target)).toBe(false);
    expect(existsSync("/usr/agenttune-pwned")).toBe(false);
    expect(readFileSync("/etc/passwd", "utf8")).not.toContain("pwned");
    expect(existsSync("/usr/share/doc")).toBe(true);
    expect(imageFingerprint()).toBe(before);
    // the next episode starts clean
    if (testImage)
      await withSandbox(async (s) => {
        expect((await s.run("ls /usr/agenttune-pwned 2>&1; timeout 1 true && echo ok")).output).toMatch(
          /No such file[\s\S]*ok$/,
        );
      });
  });

  it("has Docker's capabilities only: no mounts, no new namespaces, no raw devices", async () => {
    await withSandbox(async (s) => {
      const out = await s.run(
        "mount -t tmpfs -o size=4g x /mnt 2>&1; unshare -m true 2>&1; mknod /tmp/sda b 8 0 2>&1 && head -c1 /tmp/sda 2>&1; " +
          "echo x > /dev/newfile 2>&1; cat /proc/kcore 2>&1 | head -c 20; echo end",
      );
      expect(out.output).toMatch(/mount: .*(permission denied|must be superuser)/i);
      expect(out.output).toMatch(/unshare: unshare failed: Operation not permitted/);
      expect(out.output).toMatch(/Read-only file system/);
      expect(out.output).toMatch(/end$/);
    });
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
        expect((await s.run("tail -n +3 /proc/net/dev | grep -v ' lo:' | wc -l")).output).toBe("0");
      });
    } finally {
      server.close();
    }
    expect(connections).toBe(0);
  });

  it("holds the process limit, whatever the shell (dash included), and closes cleanly", async () => {
    await withSandbox(
      async (s) => {
        const forks = [
          "import os, time",
          "n = 0",
          "for i in range(150):",
          "    try:",
          "        if os.fork() == 0:",
          "            time.sleep(1000)",
          "            os._exit(0)",
          "        n += 1",
          "    except OSError:",
          "        break",
          "print(n)",
        ].join("\n");
        const out = await s.run(`sh -c 'ulimit -u 100000' 2>&1; python3 -c '${forks}'`, {
          timeoutMs: 20_000,
        });
        expect(Number(out.output.split("\n").at(-1))).toBeLessThan(64);
        await s.run("pkill sleep; echo");
        const bomb = await s.run("bomb() { bomb | bomb & }; bomb; sleep 2; echo survived", {
          timeoutMs: 5000,
        });
        expect(bomb.timedOut || /survived|fork|Resource/.test(bomb.output)).toBe(true);
      },
      { maxProcesses: 64 },
    );
    expect(execFileSync("echo", ["alive"], { encoding: "utf8" }).trim()).toBe("alive");
  });

  it("keeps every write (/, /tmp, /dev/shm, /root) inside one sized tmpfs", async () => {
    await withSandbox(
      async (s) => {
        const fill = await s.run(
          "for d in / /tmp /dev/shm /root /var/tmp; do dd if=/dev/zero of=$d/big bs=1M count=100 2>&1; done; du -scm /big /tmp/big /dev/shm/big /root/big /var/tmp/big 2>/dev/null | tail -1 | cut -f1",
          { timeoutMs: 30_000 },
        );
        expect(fill.output).toMatch(/No space left on device/);
        expect(Number(fill.output.split("\n").at(-1))).toBeLessThanOrEqual(64);
        expect((await s.run("rm -f /big /tmp/big /dev/shm/big /root/big /var/tmp/big; echo ok")).output).toBe(
          "ok",
        );
      },
      { diskMb: 64 },
    );
  });

  it.skipIf(!cgroups.includes("memory"))(
    "bounds the memory of the whole episode, several processes together",
    async () => {
      await withSandbox(
        async (s) => {
          const hog = "python3 -c 'b = bytearray(150 * 2**20); import time; time.sleep(4)'";
          const out = await s.run(
            `for i in 1 2 3; do ${hog} & done; sleep 3; jobs -l | grep -c Running; wait; echo end`,
            {
              timeoutMs: 40_000,
            },
          );
          expect(Number(out.output.split("\n").find((l) => /^\d+$/.test(l)))).toBeLessThan(3);
          expect(s.memoryLimitHits()).toBeGreaterThan(0);
          expect((await s.run("echo alive")).output).toBe("alive");
        },
        { memoryMb: 256 },
      );
    },
  );

  it.skipIf(!imageAvailable)("judges use the image's own tools, whatever the agent planted", async () => {
    const task: OsTask = {
      id: "tamper",
      description: "How many files are in /root?",
      init: [],
      labels: [],
      check: [
        { language: "bash", code: "timeout 5 false" }, // must fail: only a forged `timeout` makes it pass
        { language: "python", code: "import sys; sys.exit(0 if sys.argv[1] == '42' else 1)" },
      ],
    };
    await withSandbox(async (s) => {
      await s.run(
        [
          "printf '#!/bin/sh\\nexit 0\\n' > /usr/local/bin/timeout; chmod +x /usr/local/bin/timeout",
          "cp /usr/local/bin/timeout /usr/bin/timeout",
          "printf '#!/bin/sh\\nexit 0\\n' > /tmp/py; chmod +x /tmp/py; rm /usr/bin/python3; ln -s /tmp/py /usr/bin/python3",
          "echo /tmp/evil.so > /etc/ld.so.preload",
          "mkdir -p /root/.local/lib/python3.11/site-packages && echo 'import sys; sys.exit(0)' > /root/.local/lib/python3.11/site-packages/usercustomize.py",
          "mkdir -p /usr/local/lib/python3.11/dist-packages && echo 'import os; os._exit(0)' > /usr/local/lib/python3.11/dist-packages/evil.pth",
          "echo 'import os; os._exit(0)' > /usr/lib/python3.11/sitecustomize.py",
          "echo 'exit 0' >> /root/.bashrc; echo 'export BASH_ENV=/root/.bashrc' >> /etc/profile",
          "export PATH=/tmp:$PATH BASH_ENV=/root/.bashrc",
          "ln -sfn /tmp /usr/sbin",
        ].join("; "),
      );
      expect((await s.run("timeout 5 false; echo $?")).output).toMatch(/0$/); // the forgery works for the agent
      const verdict = await judgeOsAnswer(task, s, "7");
      expect(verdict.pass).toBe(false);
      const rightAnswer = await judgeOsAnswer({ ...task, check: [task.check?.[1] ?? null] }, s, "42");
      expect(rightAnswer.pass).toBe(true);
    });
  });

  it.skipIf(!imageAvailable)(
    "an /etc replaced whole does not hide the image's files from judges",
    async () => {
      // a judge runs in the agent's own view only while no program, library or loader file was changed;
      // a dir deleted and made again (opaque in the overlay) hides the image's files without an entry
      // for them in the upper dir, so that counts as changed too
      await withSandbox(async (s) => {
        await s.run(
          "cp -a /etc /root/etc.bak && rm -rf /etc 2>/dev/null; mkdir -p /etc && cp -a /root/etc.bak/passwd /etc/",
        );
        // gone from the agent's view
        const agentSees =
          "test -e /etc/alternatives || echo no-alternatives; test -e /etc/ld.so.cache || echo no-cache";
        expect((await s.run(agentSees)).output).toBe("no-alternatives\nno-cache");
        const seen = await s.runScript(
          "bash",
          "awk 'BEGIN { print 7 * 6 }'; test -e /etc/ld.so.cache && echo cache; cat /etc/passwd | head -1",
          [],
          { judge: true },
        );
        expect(seen.output).toBe("42\ncache\nroot:x:0:0:root:/root:/bin/bash\n");
      });
    },
  );

  it.skipIf(!imageAvailable)(
    "judges see the agent's work, and the agent's processes are stopped while they run",
    async () => {
      await withSandbox(async (s) => {
        await s.run(
          "echo made > /root/work.txt; mkdir -p /usr/local/bin; printf '#!/bin/sh\\necho calc\\n' > /usr/local/bin/calc; chmod +x /usr/local/bin/calc",
        );
        await s.run("(while true; do date +%s%N >> /root/ticks; sleep 0.05; done) &");
        // on a busy machine the ticker may not have written yet: wait for its first tick, not a time
        await s.run("until [ -s /root/ticks ]; do sleep 0.05; done");
        const seen = await s.runScript(
          "bash",
          "cat /root/work.txt; calc; a=$(wc -l < /root/ticks); sleep 0.5; b=$(wc -l < /root/ticks); [ $a = $b ] && echo frozen",
          [],
          { judge: true },
        );
        expect(seen.output).toBe("made\ncalc\nfrozen\n");
        // afterwards the agent's processes run again
        const a = Number((await s.run("wc -l < /root/ticks")).output);
        await s.run("sleep 0.5");
        expect(Number((await s.run("wc -l < /root/ticks")).output)).toBeGreaterThan(a);
      });
    },
  );

  it("keystrokes pushed into its terminal (TIOCSTI) reach only the agent's own shell", async () => {
    // the sandbox keeps the session of a pty that script opens outside it: nothing outside reads the
    // terminal's input, so what the agent pushes there is typed into its own shell and nowhere else
    const marker = `/tmp/agenttune-tiocsti-${process.pid}`;
    await withSandbox(async (s) => {
      const push = `python3 -c 'import fcntl, termios\nfor c in "touch ${marker}; echo pushed\\n": fcntl.ioctl(0, termios.TIOCSTI, c.encode())' 2>&1; echo done`;
      await s.run(push);
      // typed into its shell after the command: the file exists in the sandbox, not on the host
      const inside = await s.run(`sleep 0.5; ls ${marker} 2>&1; echo alive`);
      expect(inside.output).toBe(`pushed\n${marker}\nalive`);
      expect(existsSync(marker)).toBe(false);
    });
    expect(existsSync(marker)).toBe(false);
  });

  it("an agent that ends its own shell fails its episode at once, and the next one starts", async () => {
    const task: OsTask = {
      id: "exit",
      description: "x",
      init: [],
      labels: [],
      match: { answer: "1", strip: true },
    };
    for (const command of ["exit", "kill -9 $$", "exec true"]) {
      const sandbox = await Sandbox.create({ image: testImage });
      // an action time limit past the test's own: waiting for it instead of noticing the exit would hang
      const env = new OsEnvironment(task, sandbox, undefined, 3_600_000);
      try {
        await env.reset();
        const step = await env.step(`Think: go.\n\nAct: bash\n\n\`\`\`bash\n${command}\n\`\`\``);
        expect(step).toMatchObject({ done: true, reward: 0, failure: "invalid_action" });
      } finally {
        await env.close();
      }
    }
    await withSandbox(async (s) => expect((await s.run("echo next")).output).toBe("next"));
  });

  it.skipIf(!isRoot || !nobodyCanRun(process.execPath))(
    "without root: one mapped id, limits from prlimit, and a line naming what is not enforced",
    async () => {
      const home = mkdtempSync(join(tmpdir(), "agenttune-nobody-"));
      execFileSync("chown", ["65534:65534", home]);
      // nobody may not be able to read the checkout (a clone under /root or a 0700 dir): the probe and
      // the sandbox code it imports are bundled into one file in nobody's own temp dir, run without tsx
      const sandboxModule = new URL("../lib/sandbox/sandbox.ts", import.meta.url).pathname;
      const script = join(home, "probe.mjs");
      await build({
        stdin: {
          contents: [
            `import { Sandbox, sandboxIsolation } from ${JSON.stringify(sandboxModule)};`,
            "console.log(sandboxIsolation().warning);",
            "const s = await Sandbox.create({ maxProcesses: 32 });",
            `console.log((await s.run("id -u; wc -l < /proc/self/uid_map; ulimit -Hu; sh -c 'ulimit -u 100000' 2>/dev/null || echo refused")).output);`,
            "await s.close();",
          ].join("\n"),
          resolveDir: home,
          loader: "ts",
        },
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        outfile: script,
        // CommonJS dependencies bundled into ESM require node's builtins
        banner: {
          js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
        },
        logLevel: "silent",
      });
      chmodSync(script, 0o644);
      try {
        const out = execFileSync(
          "setpriv",
          ["--reuid", "65534", "--regid", "65534", "--clear-groups", process.execPath, script],
          {
            cwd: home,
            env: { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin" },
            encoding: "utf8",
            timeout: 60_000,
          },
        ).split("\n");
        expect(out[0]).toMatch(/^os sandbox: not root.*no memory cgroup.*no pids cgroup/);
        expect(out[1]).toBe("0"); // root inside…
        expect(out[2]).toBe("1"); // …one id: the invoking user
        expect(Number(out[3])).toBeLessThan(100); // RLIMIT_NPROC: the user's running processes + 32
        expect(out[4]).toBe("refused"); // and no shell inside can raise it
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );

  it("leaves no daemon behind when the episode closes", async () => {
    const marker = "314159.26";
    await withSandbox(async (s) => {
      await s.run(
        `setsid nohup sleep ${marker} >/dev/null 2>&1 & disown; (sleep ${marker} &) ; echo started`,
      );
      expect(hostProcesses(`sleep ${marker}`).length).toBeGreaterThan(0);
    });
    for (let i = 0; i < 100 && hostProcesses(`sleep ${marker}`).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hostProcesses(`sleep ${marker}`)).toEqual([]);
  });

  it("cannot kill agenttune, and nothing survives when agenttune itself is killed", async () => {
    await withSandbox(async (s) => {
      // agenttune's pid does not exist in the sandbox; kill -1 reaches every process the agent can see
      // but PID 1 and its own shell, as in AgentBench's container: the sleeper goes, the shell stays
      await s.run("sleep 1000 & echo started");
      const out = await s.run(
        `kill -9 ${process.pid} 2>&1; kill -9 -1; sleep 0.2; echo tried; ps -e | grep -c sleep`,
      );
      expect(out.output).toMatch(/No such process[\s\S]*tried\n0$/);
      expect((await s.run("echo alive")).output).toBe("alive");
    });
    expect(process.kill(process.pid, 0)).toBe(true); // we are still here

    const marker = "271828.18";
    const script = `
      import { Sandbox } from ${JSON.stringify(new URL("../lib/sandbox/sandbox.ts", import.meta.url).pathname)};
      import { cachedOsImage } from ${JSON.stringify(new URL("../lib/sandbox/image.ts", import.meta.url).pathname)};
      const s = await Sandbox.create({ image: cachedOsImage() });
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
    for (let i = 0; i < 100 && hostProcesses(`sleep ${marker}`).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hostProcesses(`sleep ${marker}`)).toEqual([]);
  });
});
