export { AgenttuneError } from "./agenttune-error.js";
export { EnvError } from "./env-error.js";
export { InfrastructureFailure } from "./infrastructure-failure.js";
export { InputError } from "./input-error.js";
export { ModelError } from "./model-error.js";
