export * from "./generate-tasks.js";
