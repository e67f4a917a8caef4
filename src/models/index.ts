export * from "./llama-model.js";
export * from "./openai-compatible-model.js";
export * from "./parse-model.js";
export * from "./scripted-model.js";
export * from "./types.js";
