export { alfworldSpec } from "./alfworld/spec.js";
export { dbSpec } from "./db/spec.js";
export { kgSpec } from "./kg/spec.js";
export { mind2webSpec } from "./mind2web/spec.js";
export * as osEnv from "./os/index.js";
export { osSpec } from "./os/spec.js";
export * from "./registry.js";
export * from "./types.js";
export { webshopSpec } from "./webshop/spec.js";
