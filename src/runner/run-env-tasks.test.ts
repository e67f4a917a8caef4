import { describe, expect, it } from "vitest";
import { getEnvSpec } from "../envs/index.js";
import type { MiniwobTask } from "../envs/miniwob/tasks.js";
import { oracleGaps } from "./run-env-tasks.js";

describe("oracleGaps", () => {
  it("names the tasks the oracle will fail before the run, once per task name", () => {
    const spec = getEnvSpec("miniwob");
    const tasks: MiniwobTask[] = [
      { task: "click-menu", seed: 0 },
      { task: "click-menu", seed: 1 },
      { task: "click-button", seed: 0 },
      { task: "count-shape", seed: 0 },
    ];
    expect(oracleGaps(spec, tasks)).toBe(
      "the oracle fails 3 of 4 tasks (no scripted solver: click-menu, count-shape); the rest is its bar",
    );
    expect(oracleGaps(spec, [{ task: "click-button", seed: 0 }])).toBeUndefined();
    // an env whose oracle solves everything says nothing
    const db = getEnvSpec("db");
    expect(oracleGaps(db, [])).toBeUndefined();
  });
});
