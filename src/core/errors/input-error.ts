// Bad user input (file, flag, config): the message names where, as `file:line: field: problem`.
import { AgenttuneError } from "./agenttune-error.js";

const marker = Symbol.for("agenttune.error.input");

export class InputError extends AgenttuneError {
  readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InputError";
  }

  static override isInstance(error: unknown): error is InputError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
