// Browser tests launch Debian's Chromium the way the recorder does, and skip (or fail under
// AGENTTUNE_REQUIRE_BACKENDS) without it.
import { chromiumPath } from "../../src/browser/index.js";
import { backendAvailable } from "./backends.js";

export { launchChromium } from "../../src/browser/index.js";

export const chromiumAvailable = backendAvailable(
  "chromium (apt-get install chromium)",
  chromiumPath() !== undefined,
);
