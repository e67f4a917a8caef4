import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { poolSizeFromEnv, SandboxPool } from "./pool.js";
import type { Sandbox } from "./sandbox.js";
import { sandboxAvailable } from "./test-sandbox.js";

/** Stand-ins that count how many were started and closed. */
function fakes() {
  const made: { usable: boolean; closed: boolean }[] = [];
  const create = async () => {
    const sandbox = {
      usable: true,
      closed: false,
      close: async () => {
        sandbox.closed = true;
      },
    };
    made.push(sandbox);
    return sandbox as unknown as Sandbox;
  };
  return { made, create };
}

describe("SandboxPool", () => {
  it("hands out sandboxes started ahead and starts the next at once", async () => {
    const { made, create } = fakes();
    const pool = new SandboxPool({}, 2, create);
    const first = await pool.acquire();
    expect(pool.lastAcquire).toBe("started");
    await pool.filled();
    expect(made).toHaveLength(3); // the one handed out and two ahead
    const second = await pool.acquire();
    expect(pool.lastAcquire).toBe("ready");
    expect(second).not.toBe(first);
    await pool.filled();
    expect(made).toHaveLength(4);
    await pool.close();
    // the two still waiting are destroyed; those handed out belong to their episodes
    expect(made.map((s) => s.closed)).toEqual([false, false, true, true]);
  });

  it("never hands out a sandbox that died while it waited", async () => {
    const { made, create } = fakes();
    const pool = new SandboxPool({}, 1, create);
    await pool.acquire();
    await pool.filled();
    (made[1] as { usable: boolean }).usable = false;
    const next = await pool.acquire();
    expect(next).not.toBe(made[1]);
    expect(made[1]?.closed).toBe(true);
    await pool.close();
  });

  it("size 0 starts nothing ahead", async () => {
    const { made, create } = fakes();
    const pool = new SandboxPool({}, 0, create);
    await pool.acquire();
    await pool.filled();
    expect(made).toHaveLength(1);
    await pool.close();
  });

  it("reads AGENTTUNE_OS_POOL, and says what is wrong with it", () => {
    expect(poolSizeFromEnv(undefined)).toBe(2);
    expect(poolSizeFromEnv("8")).toBe(8);
    expect(() => poolSizeFromEnv("two")).toThrow('AGENTTUNE_OS_POOL="two": expected a whole number');
  });

  it.skipIf(!sandboxAvailable)(
    "real sandboxes: the one started ahead runs bash, and close leaves none",
    async () => {
      const before = readdirSync(tmpdir()).filter((f) => f.startsWith("agenttune-sandbox-")).length;
      const pool = new SandboxPool({}, 1);
      const a = await pool.acquire();
      await pool.filled();
      const b = await pool.acquire();
      expect(pool.lastAcquire).toBe("ready");
      expect((await b.run("echo $((6 * 7))")).output.trim()).toBe("42");
      await Promise.all([a.close(), b.close(), pool.close()]);
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith("agenttune-sandbox-")).length).toBe(before);
    },
  );
});
