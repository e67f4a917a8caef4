export * from "./results-table.js";
export * from "./run-eval.js";
