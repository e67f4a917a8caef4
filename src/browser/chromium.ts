// Debian's Chromium driven through playwright-core: no browser download, the same flags everywhere.
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { AgenttuneError } from "../core/index.js";

export function chromiumPath(): string | undefined {
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
}

/** Headless, no sandbox (containers), and no background traffic: loopback pages only. */
export async function launchChromium(executablePath = chromiumPath()): Promise<Browser> {
  if (!executablePath)
    throw new AgenttuneError("Chromium not found at /usr/bin/chromium: apt-get install chromium");
  // loaded only where a browser is used (~0.4 s at start-up otherwise)
  const { chromium } = await import("playwright-core");
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
