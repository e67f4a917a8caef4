// An episode that could not be run to its end because the model server or the env's backend failed:
// not a result. Runs keep it out of results.jsonl, log it to errors.jsonl and retry it on resume.
import { AgenttuneError } from "./agenttune-error.js";

const marker = Symbol.for("agenttune.error.infrastructure");

/** HTTP statuses that no retry fixes: every later request fails the same way. */
const systematicStatuses = new Set([401, 403, 404]);

export class InfrastructureFailure extends AgenttuneError {
  readonly [marker] = true;
  /** Which side failed. */
  readonly source: "model" | "env";
  /** The episode it interrupted, e.g. "db/3/0". */
  readonly episodeId: string;
  readonly status?: number;

  constructor(
    message: string,
    options: { source: "model" | "env"; episodeId: string; status?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "InfrastructureFailure";
    this.source = options.source;
    this.episodeId = options.episodeId;
    this.status = options.status;
  }

  /** An auth error or a missing model: the run should stop at once rather than fail every episode. */
  get systematic(): boolean {
    return this.status !== undefined && systematicStatuses.has(this.status);
  }

  static override isInstance(error: unknown): error is InfrastructureFailure {
    return typeof error === "object" && error !== null && marker in error;
  }
}
