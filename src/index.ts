// agenttune's public API.
export * from "./agent/index.js";
export * from "./core/index.js";
export * from "./data/index.js";
export * from "./envs/index.js";
export * from "./eval/index.js";
export * from "./models/index.js";
export * from "./runner/index.js";
