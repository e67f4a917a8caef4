// A run as the viewer holds it: the run store's on-disk index (byte offsets and a few fields per
// episode) under a URL-safe name; episodes are read back one at a time.
import { type LoadedRun, loadRun } from "../eval/index.js";

export { readEpisode } from "../eval/index.js";

export interface RunIndex extends LoadedRun {
  name: string;
}

export async function indexRun(dir: string, name: string): Promise<RunIndex> {
  return { ...(await loadRun(dir)), name };
}
