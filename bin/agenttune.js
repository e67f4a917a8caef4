#!/usr/bin/env node
// Runs the built CLI (npm install builds dist/ through the prepare script).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "cli", "main.js");
if (!existsSync(built)) {
  process.stderr.write("agenttune: dist/ is missing; run `npm run build` (npm install does it)\n");
  process.exit(1);
}
await import(pathToFileURL(built).href);
