// The os env's public pieces beyond its spec: the clean image and what the sandbox enforces here.
export {
  buildOsImage,
  cachedOsImage,
  imageCacheDir,
  importOsImage,
  osImagePackages,
} from "../lib/sandbox/image.js";
export { sandboxIsolation } from "../lib/sandbox/sandbox.js";
