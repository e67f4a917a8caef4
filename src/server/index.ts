export * from "./openenv/index.js";
export * from "./rollout.js";
export * from "./run-index.js";
export * from "./served-tasks.js";
export * from "./task-server.js";
export * from "./viewer.js";
