export * from "./episode.js";
export * from "./history.js";
export * from "./oracle-model.js";
export * from "./resolve-model.js";
export * from "./run-episode.js";
