import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cleanTerminalOutput, Sandbox } from "./sandbox.js";
import { imageAvailable, sandboxAvailable, testImage } from "./test-sandbox.js";

const hostHasGcc = (() => {
  try {
    execFileSync("sh", ["-c", "command -v gcc"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("cleanTerminalOutput", () => {
  it("removes colour codes, titles and carriage returns", () => {
    expect(cleanTerminalOutput("\x1b[31mred\x1b[0m\r\n\x1b]0;title\x07ok\r")).toBe("red\nok");
  });
});

describe.skipIf(!sandboxAvailable)("Sandbox", () => {
  it("keeps shell state between actions and reports exit codes", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    try {
      expect(await sandbox.run("cd /tmp && export GREETING=hi && touch marker")).toMatchObject({
        exitCode: 0,
        timedOut: false,
      });
      expect(await sandbox.run('pwd; echo "$GREETING"; ls')).toEqual({
        output: "/tmp\nhi\nmarker",
        exitCode: 0,
        timedOut: false,
      });
      expect((await sandbox.run("false")).exitCode).toBe(1);
      expect((await sandbox.run("whoami; echo $HOME; hostname")).output).toBe("root\n/root\nsandbox");
      // tabs are typed literally (no completion), as scripts with indented Python need
      expect((await sandbox.run("python3 -c 'for i in range(2):\n\tprint(i)'")).output).toBe("0\n1");
    } finally {
      await sandbox.close();
    }
  });

  it("interrupts an action at its timeout, keeps the output so far and stays usable", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    try {
      const slow = await sandbox.run("echo started; sleep 30", { timeoutMs: 500 });
      expect(slow).toMatchObject({ timedOut: true, exitCode: null });
      expect(slow.output).toContain("started");
      expect((await sandbox.run("echo 'unterminated", { timeoutMs: 500 })).timedOut).toBe(true);
      expect(await sandbox.run("echo fine")).toEqual({ output: "fine", exitCode: 0, timedOut: false });
    } finally {
      await sandbox.close();
    }
  });

  it("AgentBench's rule: waits while output flows, returns after the silence, never interrupts (task.py:39,67-88)", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    const rule = { agentbench: { idleMs: 3_000, capMs: 120_000 }, raw: true };
    try {
      // output every 0.3 s keeps the read going well past the 3 s of silence allowed
      const flowing = await sandbox.run(
        "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo $i; sleep 0.3; done",
        rule,
      );
      expect(flowing).toMatchObject({ timedOut: false, exitCode: 0 });
      expect(flowing.output).toBe(`${Array.from({ length: 12 }, (_, i) => i + 1).join("\r\n")}\r\n`);
      // a silent command: the read ends with nothing, the command runs on, and what it prints later
      // comes with the next command's output, which waits its turn in the shell
      const marker = "/tmp/ran-to-the-end";
      const silent = await sandbox.run(`sleep 4; echo late; touch ${marker}`, rule);
      expect(silent).toEqual({ output: "", exitCode: null, timedOut: true });
      const next = await sandbox.run(`ls ${marker}; echo next`, rule);
      expect(next).toEqual({ output: `late\r\n${marker}\r\nnext\r\n`, exitCode: 0, timedOut: false });
    } finally {
      await sandbox.close();
    }
  });

  it("AgentBench's rule stops reading at the cap, even while output flows (v0.2's 30 s)", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    try {
      const endless = await sandbox.run("while true; do echo x; sleep 0.2; done", {
        agentbench: { idleMs: 10_000, capMs: 1_500 },
        raw: true,
      });
      expect(endless.timedOut).toBe(true);
      expect(endless.output).toMatch(/^(x\r\n)+$/);
    } finally {
      await sandbox.close();
    }
  });

  it("judges as AgentBench's container would: python's exit(), bash's process substitution, a quiet find over /", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    try {
      // AgentBench's check scripts end with exit(0) / exit(1), which site defines
      const check = "from sys import argv\nif int(argv[1]) == int(argv[2]): exit(0)\nexit(1)";
      expect(await sandbox.runScript("python", check, ["6", "6\n"], { judge: true })).toMatchObject({
        exitCode: 0,
      });
      expect(await sandbox.runScript("python", check, ["6", "7\n"], { judge: true })).toMatchObject({
        exitCode: 1,
      });
      const substitution = "n=0; while read -r x; do n=$((n + x)); done < <(printf '1\\n2\\n'); echo $n";
      expect(await sandbox.runScript("bash", substitution, [], { judge: true })).toEqual({
        output: "3\n",
        exitCode: 0,
        timedOut: false,
      });
      const find = "find / -name no-such-file-anywhere 2>&1; echo rc=$?";
      expect((await sandbox.runScript("bash", find, [], { judge: true })).output).toBe("rc=0\n");
    } finally {
      await sandbox.close();
    }
  });

  it("has a container's processes: PID 1, the agent's shell, each job one process as `docker exec` runs it", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    try {
      // an init that leaves a sleeper is done when its own process ends (it would time out otherwise)
      expect(await sandbox.runScript("bash", "sleep 3000 & echo started")).toEqual({
        output: "started\n",
        exitCode: 0,
        timedOut: false,
      });
      // AgentBench's container: bash (PID 1), the agent's bash --login, the sleeper, ps and wc, the header
      expect((await sandbox.run("ps -e | wc -l")).output).toBe("6");
      // a check that counts again counts itself once more, as `docker exec … bash -c CODE` does there
      expect((await sandbox.runScript("bash", "ps -e | wc -l", [], { judge: true })).output).toBe("7\n");
      // and its command line is its code, so `grep -v grep` drops it as there
      const sleepers = "ps -ef | grep -i sleep | grep -v grep | wc -l";
      expect((await sandbox.runScript("bash", sleepers, [], { judge: true })).output).toBe("1\n");
    } finally {
      await sandbox.close();
    }
  });

  it("runs independent scripts with byte-exact arguments, in bash and python, in the agent's and the judge's view", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    try {
      const py = await sandbox.runScript("python", "import sys\nprint(repr(sys.argv[1:]))\nsys.exit(3)", [
        "a b",
        "two\nlines\n",
      ]);
      expect(py).toEqual({ output: "['a b', 'two\\nlines\\n']\n", exitCode: 3, timedOut: false });
      expect(await sandbox.runScript("bash", 'echo "[$1]"', ["$(not expanded)"])).toMatchObject({
        output: "[$(not expanded)]\n",
        exitCode: 0,
      });
      // judges run the same way, in their trusted view
      expect(await sandbox.runScript("bash", 'echo "[$1]"', ["a\nb"], { judge: true })).toMatchObject({
        output: "[a\nb]\n",
        exitCode: 0,
      });
    } finally {
      await sandbox.close();
    }
  });

  // AgentBench's image has no compiler (nor has agenttune's); the host view has the host's, where present
  it.skipIf(!hostHasGcc)("compiles and runs C check scripts where the view has gcc", async () => {
    const sandbox = await Sandbox.create({});
    try {
      const c = await sandbox.runScript(
        "c",
        '#include <stdio.h>\nint main(int c, char **v) { printf("%s!", v[1]); return 0; }',
        ["x"],
      );
      expect(c).toMatchObject({ output: "x!", exitCode: 0 });
    } finally {
      await sandbox.close();
    }
  });

  it.skipIf(!imageAvailable)("on the clean image, root behaves as in AgentBench's container", async () => {
    const sandbox = await Sandbox.create({ image: testImage });
    try {
      const out = await sandbox.run(
        [
          "useradd -m -s /bin/bash -G root,sudo alice",
          "id -nG alice",
          "touch /tmp/f && chgrp alice /tmp/f && chown alice /tmp/f && stat -c '%U:%G' /tmp/f",
          "find / -name passwd -not -path '/proc/*' 2>&1 | grep -c 'Permission denied'",
          "dpkg -s python3 | grep -c '^Status: install ok installed'",
          "apt-get --version | head -1 | cut -d' ' -f1",
          "su - alice -c whoami",
          "echo 'echo Awesome' > /home/alice/t && chmod 000 /home/alice/t && cat /home/alice/t",
        ].join("; "),
        { timeoutMs: 30_000 },
      );
      expect(out.output.split("\n")).toEqual([
        "alice root sudo",
        "alice:alice",
        "0",
        "1",
        "apt",
        "alice",
        "echo Awesome",
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it("cuts huge outputs", async () => {
    const sandbox = await Sandbox.create({ image: testImage, outputLimit: 1000 });
    try {
      const big = await sandbox.run("head -c 100000 /dev/zero | tr '\\0' x");
      expect(big.output.length).toBeLessThan(1100);
      expect(big.output).toMatch(/\[output cut at 1000 characters\]$/);
    } finally {
      await sandbox.close();
    }
  });
});
