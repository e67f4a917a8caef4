export * as osEnv from "./os/index.js";
export * from "./registry.js";
export * from "./types.js";
