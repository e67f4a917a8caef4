// A Python OpenEnv client driven from a test, one JSON command per line (test/reference/openenv_bridge.py):
// every frame of the episode goes through that client's own code.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { ObservationData } from "../../src/server/openenv/protocol.js";
import type { ObservationSource } from "../../src/server/openenv/test-client.js";

export class PythonBridge implements ObservationSource {
  private readonly lines: Interface;
  private readonly pending: ((line: string | undefined) => void)[] = [];
  private stderr = "";

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on("line", (line) => this.pending.shift()?.(line));
    child.stderr.on("data", (chunk) => {
      this.stderr += String(chunk);
    });
    child.on("exit", () => {
      for (const waiter of this.pending.splice(0)) waiter(undefined);
    });
  }

  /** Starts the bridge for `client` ("agenttune" or "openenv") and opens its session. */
  static async open(python: string, url: string, client: "agenttune" | "openenv"): Promise<PythonBridge> {
    const child = spawn(python, [resolve("test/reference/openenv_bridge.py"), url, client], {
      env: { ...process.env, PYTHONPATH: resolve("python/agenttune_env"), PYTHONUNBUFFERED: "1" },
    });
    const bridge = new PythonBridge(child);
    await bridge.command({ op: "connect" });
    return bridge;
  }

  async command(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    const line = new Promise<string | undefined>((done) => this.pending.push(done));
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const text = await line;
    if (text === undefined) throw new Error(`the Python client exited: ${this.stderr.trim()}`);
    const reply = JSON.parse(text) as Record<string, unknown>;
    if (typeof reply.error === "string") throw new Error(`python ${command.op}: ${reply.error}`);
    return reply;
  }

  async observe(type: "reset" | "step", data: unknown): Promise<ObservationData> {
    return (await this.command({ op: type, data })) as unknown as ObservationData;
  }

  async state(): Promise<Record<string, unknown>> {
    return (await this.command({ op: "state" })).state as Record<string, unknown>;
  }

  /** Closes the session and ends the process. */
  async close(): Promise<void> {
    await this.command({ op: "close" });
    const exited = new Promise((done) => this.child.once("exit", done));
    this.child.stdin.end();
    await exited;
  }
}
