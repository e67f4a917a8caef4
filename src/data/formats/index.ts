export * from "./agentinstruct.js";
export * from "./openai-chat.js";
export * from "./sharegpt.js";
export * from "./trajectories.js";
