// Launches Debian's Chromium through playwright-core for browser tests (no browser download).
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { backendAvailable } from "./backends.js";

const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

export const chromiumAvailable = backendAvailable(
  "chromium (apt-get install chromium)",
  executablePath !== undefined,
);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
