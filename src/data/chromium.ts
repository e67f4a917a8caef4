// Debian's Chromium driven through playwright-core: no browser download, the same flags everywhere.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export function chromiumPath(): string | undefined {
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
}

/** Headless, no sandbox (containers), and no background traffic: loopback pages only. */
export function launchChromium(executablePath = chromiumPath()): Promise<Browser> {
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
