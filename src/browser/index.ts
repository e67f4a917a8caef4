export * from "./chromium.js";
export * from "./static-server.js";
