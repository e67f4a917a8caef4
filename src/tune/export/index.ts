export * from "./alternation.js";
export * from "./check.js";
export * from "./llamafactory.js";
export * from "./openai-ft.js";
export * from "./trl.js";
