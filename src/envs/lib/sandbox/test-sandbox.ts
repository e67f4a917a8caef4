// Test helpers: whether the sandbox can run here, and the clean image (both required in CI).
import { backendAvailable } from "../../../../test/helpers/backends.js";
import { cachedOsImage } from "./image.js";
import { sandboxProblem } from "./sandbox.js";

export const sandboxAvailable = backendAvailable(
  "the os sandbox (apt-get install bubblewrap uidmap)",
  sandboxProblem() === undefined,
);

/** The cached clean image (`agenttune os image`); CI builds it before the tests. */
export const testImage = sandboxAvailable ? cachedOsImage() : undefined;

export const imageAvailable =
  sandboxAvailable &&
  backendAvailable("the os image (run `agenttune os image` as root first)", testImage !== undefined);
