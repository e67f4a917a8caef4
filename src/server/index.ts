export * from "./run-index.js";
export * from "./viewer.js";
