// A few sandboxes started ahead, so an episode does not wait for one (create+destroy is ~40 ms, most of
// it namespaces, mounts and the shell starting). Each sandbox serves one episode and is then destroyed:
// nothing is reused, a started sandbox is only one whose episode has not begun yet.
import { InputError } from "../../../core/index.js";
import { Sandbox, type SandboxOptions } from "./sandbox.js";

/** Sandboxes kept started when AGENTTUNE_OS_POOL does not say otherwise. */
export const defaultPoolSize = 2;

export function poolSizeFromEnv(value = process.env.AGENTTUNE_OS_POOL): number {
  if (value === undefined || value === "") return defaultPoolSize;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 0 || size > 256)
    throw new InputError(`AGENTTUNE_OS_POOL="${value}": expected a whole number of sandboxes from 0 to 256`);
  return size;
}

export class SandboxPool {
  private readonly ready: Sandbox[] = [];
  private starting = 0;
  private closed = false;
  private readonly started = new Set<Promise<void>>();
  /** How the last acquire was served, for benchmarks. */
  lastAcquire: "ready" | "started" | undefined;

  constructor(
    private readonly options: SandboxOptions,
    readonly size = defaultPoolSize,
    private readonly create: (options: SandboxOptions) => Promise<Sandbox> = Sandbox.create,
  ) {}

  /** A fresh sandbox: one started ahead when there is one, else started now. Starts the next. */
  async acquire(): Promise<Sandbox> {
    if (this.closed) throw new Error("sandbox pool: closed");
    let sandbox = this.ready.shift();
    while (sandbox && !sandbox.usable) {
      void sandbox.close(); // died while it waited
      sandbox = this.ready.shift();
    }
    this.lastAcquire = sandbox ? "ready" : "started";
    // the episode's own sandbox, when it must wait for one, starts before those for later episodes
    const own = sandbox ? Promise.resolve(sandbox) : this.create(this.options);
    this.fill();
    return own;
  }

  /** Starts sandboxes in the background up to `size` (a failure here shows at the next acquire). */
  private fill() {
    while (!this.closed && this.ready.length + this.starting < this.size) {
      this.starting++;
      const start = this.create(this.options).then(
        async (sandbox) => {
          this.starting--;
          if (this.closed) await sandbox.close();
          else this.ready.push(sandbox);
        },
        () => {
          this.starting--;
        },
      );
      this.started.add(start);
      void start.finally(() => this.started.delete(start));
    }
  }

  /** Resolves when the sandboxes being started ahead have started (or failed). */
  async filled(): Promise<void> {
    await Promise.all(this.started);
  }

  /** Destroys the sandboxes started ahead, and those still starting once they have. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.started);
    await Promise.all(this.ready.splice(0).map((s) => s.close()));
  }
}
