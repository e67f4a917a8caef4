// Test gating for external backends and benchmark files: skip when missing, unless CI requires them.
export const requireBackends = process.env.AGENTTUNE_REQUIRE_BACKENDS === "1";

/** True when the backend can run; throws (failing the file) when it cannot and CI requires it. */
export function backendAvailable(name: string, available: boolean): boolean {
  if (!available && requireBackends) {
    throw new Error(`${name} is required (AGENTTUNE_REQUIRE_BACKENDS=1) but not available`);
  }
  return available;
}

/** The folder of original benchmark files (AGENTTUNE_BENCHMARKS), or undefined to skip. */
export function benchmarksDir(): string | undefined {
  const dir = process.env.AGENTTUNE_BENCHMARKS;
  if (!dir && requireBackends)
    throw new Error("AGENTTUNE_BENCHMARKS must be set when AGENTTUNE_REQUIRE_BACKENDS=1");
  return dir || undefined;
}
