import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Timeouts only catch a hang: tests wait on events, never on speed, so a loaded 2-core machine
    // (or another CPU-heavy job beside `npm test`) must not fail them. One generous limit for all.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
  },
});
