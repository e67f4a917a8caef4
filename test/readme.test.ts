// The README's library example runs as written (against the sources; CI also runs it against the packed
// package installed without dev dependencies, see .ci/pack-check).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

/** The ```ts block under a README heading. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(heading));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no ts block under ${heading}`);
  return block;
}

describe("README", () => {
  it("the library example runs as written", async () => {
    const code = readmeBlock("### 13. As a library").replace(
      'from "agenttune"',
      `from ${JSON.stringify(join(root, "src", "index.ts"))}`,
    );
    const dir = mkdtempSync(join(root, ".tmp-readme-"));
    try {
      writeFileSync(join(dir, "example.mts"), code);
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "example.mts"], {
        cwd: dir,
        timeout: 120_000,
      });
      expect(stdout.trim()).toBe("5 tasks, success 1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
