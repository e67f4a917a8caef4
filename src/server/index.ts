export * from "./run-index.js";
export * from "./task-server.js";
export * from "./viewer.js";
