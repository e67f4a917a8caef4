export * from "./protocol.js";
export * from "./server.js";
export * from "./session.js";
export * from "./tools.js";
