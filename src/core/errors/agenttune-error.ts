// Base of every error agenttune throws on purpose; `isInstance` works across package copies.
const marker = Symbol.for("agenttune.error");

export class AgenttuneError extends Error {
  readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AgenttuneError";
  }

  static isInstance(error: unknown): error is AgenttuneError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
