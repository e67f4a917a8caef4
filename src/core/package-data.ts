// The package's own data files (data/ at its root, shipped beside src/ and dist/).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** data/<name> of this install, looked up from this module's folder upwards; undefined when missing. */
export function packageDataFile(name: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, "data", name);
    if (existsSync(file)) return file;
  }
  return undefined;
}
