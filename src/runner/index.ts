export * from "./open-backend.js";
export * from "./progress.js";
export * from "./queue.js";
export * from "./run-env-tasks.js";
export * from "./run-identity.js";
export * from "./run-tasks.js";
export * from "./summary.js";
