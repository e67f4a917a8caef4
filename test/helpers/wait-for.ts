// Polls a condition until it holds or the time is up (for what has no event to wait on, such as a
// cgroup folder the kernel removes); returns the milliseconds it waited.
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 10): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) break;
    await new Promise((done) => setTimeout(done, everyMs));
  }
  return performance.now() - started;
}
