export * from "./chromium.js";
export * from "./page-pool.js";
export * from "./static-server.js";
