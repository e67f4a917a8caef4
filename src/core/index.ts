export * from "./append-log.js";
export * from "./config-file.js";
export * from "./errors/index.js";
export * from "./jsonl.js";
export * from "./package-data.js";
export * from "./random.js";
export * from "./types.js";
export * from "./zod-issue.js";
