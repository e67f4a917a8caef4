// The sandbox's user-namespace id map: 65,536 ids from the subordinate ranges in /etc/subuid and
// /etc/subgid, so that root inside is an ordinary, unprivileged uid outside (as rootless containers do).
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { EnvError } from "../../../core/index.js";

/** Ids mapped into every sandbox: 0..65535 inside. */
export const mappedIds = 65_536;

export interface IdRange {
  start: number;
  count: number;
}

export interface IdMap {
  uid: IdRange;
  gid: IdRange;
}

/** Ranges of `/etc/subuid`-format text for a user (by name or numeric id). */
export function parseSubordinateIds(text: string, user: string, id: number): IdRange[] {
  const ranges: IdRange[] = [];
  for (const line of text.split("\n")) {
    const [owner, start, count] = line.trim().split(":");
    if (!owner || start === undefined || count === undefined) continue;
    if (owner !== user && owner !== String(id)) continue;
    const range = { start: Number(start), count: Number(count) };
    if (Number.isInteger(range.start) && Number.isInteger(range.count) && range.count > 0) ranges.push(range);
  }
  return ranges;
}

function firstLargeRange(file: string, user: string, id: number): IdRange | undefined {
  if (!existsSync(file)) return undefined;
  return parseSubordinateIds(readFileSync(file, "utf8"), user, id).find((r) => r.count >= mappedIds);
}

/** This user's full id map, or undefined when /etc/subuid or /etc/subgid has no range of 65,536 ids. */
export function subordinateIdMap(
  files = { subuid: "/etc/subuid", subgid: "/etc/subgid" },
): IdMap | undefined {
  const { username, uid, gid } = userInfo();
  const u = firstLargeRange(files.subuid, username, uid);
  const g = firstLargeRange(files.subgid, username, gid);
  return u && g
    ? { uid: { start: u.start, count: mappedIds }, gid: { start: g.start, count: mappedIds } }
    : undefined;
}

/** A start above every range already given out (so no other user's container shares our ids). */
export function freeRangeStart(text: string): number {
  let end = 524_288; // systemd's first container range; well above login uids
  for (const line of text.split("\n")) {
    const [, start, count] = line.trim().split(":");
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c)) end = Math.max(end, s + c);
  }
  return Math.ceil(end / mappedIds) * mappedIds;
}

/**
 * As root: gives root a subordinate range when it has none (what `usermod --add-subuids` does), so the
 * sandbox never runs as host root. Returns the line added, or undefined when one was there already.
 */
export function ensureRootIdRange(
  files = { subuid: "/etc/subuid", subgid: "/etc/subgid" },
): string | undefined {
  if (process.getuid?.() !== 0 || subordinateIdMap(files)) return undefined;
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");
  const start = Math.max(freeRangeStart(read(files.subuid)), freeRangeStart(read(files.subgid)));
  const line = `root:${start}:${mappedIds}`;
  for (const file of [files.subuid, files.subgid]) {
    const text = read(file);
    appendFileSync(file, `${text && !text.endsWith("\n") ? "\n" : ""}${line}\n`);
  }
  return line;
}

let chosen: { ids: IdMap | undefined } | undefined;

/**
 * The id map sandboxes run with and images are owned by: as root, root's subordinate range (given one
 * when it has none); otherwise none (one id, the invoking user). Read once per process.
 */
export function sandboxIdMap(): IdMap | undefined {
  if (chosen) return chosen.ids;
  let ids: IdMap | undefined;
  if (process.getuid?.() === 0) {
    ensureRootIdRange();
    ids = subordinateIdMap();
    if (!ids)
      throw new EnvError("os sandbox: root has no subordinate id range in /etc/subuid and /etc/subgid");
  }
  chosen = { ids };
  return ids;
}
