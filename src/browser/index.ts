export * from "./chromium.js";
export * from "./static-server.js";
export * from "./page-pool.js";
