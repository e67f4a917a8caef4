// An environment's backend failed (database down, sandbox crashed): not the agent's fault.
import { AgenttuneError } from "./agenttune-error.js";

const marker = Symbol.for("agenttune.error.env");

export class EnvError extends AgenttuneError {
  readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EnvError";
  }

  static override isInstance(error: unknown): error is EnvError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
