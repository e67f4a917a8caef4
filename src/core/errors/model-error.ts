// A model backend failed after its retries (server down, timeout, HTTP error, crash).
import { AgenttuneError } from "./agenttune-error.js";

const marker = Symbol.for("agenttune.error.model");

export class ModelError extends AgenttuneError {
  readonly [marker] = true;
  /** HTTP status when the failure came from a server answer. */
  readonly status?: number;
  /** True when the failure is the model's context window being exceeded. */
  readonly contextLimit: boolean;
  /**
   * True when the failure is the agent's own outcome (a scripted model out of replies), recorded as a
   * result; false for infrastructure (server down, auth, 5xx, timeout), which a run retries instead.
   */
  readonly countsAsResult: boolean;

  constructor(
    message: string,
    options: { cause?: unknown; status?: number; contextLimit?: boolean; countsAsResult?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ModelError";
    this.status = options.status;
    this.contextLimit = options.contextLimit ?? false;
    this.countsAsResult = options.countsAsResult ?? false;
  }

  static override isInstance(error: unknown): error is ModelError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
