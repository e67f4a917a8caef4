// The clean root filesystem every os episode starts from (as AgentBench's containers start from an image):
// built once with mmdebstrap, or taken from a directory or tar the user names (e.g. a `docker export`),
// cached under the user's cache dir and owned by the sandbox's mapped ids, so root inside owns it.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { EnvError, InputError } from "../../../core/index.js";
import { type IdMap, sandboxIdMap, subordinateIdMap } from "./idmap.js";

const run = promisify(execFile);

/** AgentBench's os_interaction image: `FROM ubuntu` + these (procps for ps/top, which Ubuntu has). */
export const osImagePackages = [
  "python3",
  "python3-pip",
  "git",
  "vim",
  "curl",
  "wget",
  "unzip",
  "zip",
  "tree",
  "procps",
] as const;

export const defaultImageSuite = "bookworm";

export const osImageManifestSchema = z.object({
  formatVersion: z.literal(1),
  key: z.string(),
  source: z.string(),
  suite: z.string().optional(),
  packages: z.array(z.string()).optional(),
  /** First host uid/gid of the sandbox's id map (files are owned by base + id), or null: one id only. */
  uidBase: z.number().int().nullable(),
  gidBase: z.number().int().nullable(),
  builtAt: z.string(),
  files: z.number().int(),
});
export type OsImageManifest = z.infer<typeof osImageManifestSchema>;

export interface OsImage {
  /** The extracted root filesystem: the read-only lower layer of every episode's overlay. */
  rootfs: string;
  manifest: OsImageManifest;
}

/**
 * Where images live: $AGENTTUNE_CACHE, else the user's cache dir. As root, /var/cache/agenttune: the
 * sandbox's unprivileged root must be able to reach the image, and /root is closed to it.
 */
export function imageCacheDir(): string {
  if (process.env.AGENTTUNE_CACHE) return join(resolve(process.env.AGENTTUNE_CACHE), "os-images");
  if (process.getuid?.() === 0) return "/var/cache/agenttune/os-images";
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "agenttune", "os-images");
}

function keyOf(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

function readImage(dir: string): OsImage | undefined {
  const manifestFile = join(dir, "image.json");
  if (!existsSync(manifestFile) || !existsSync(join(dir, "rootfs"))) return undefined;
  const parsed = osImageManifestSchema.safeParse(JSON.parse(readFileSync(manifestFile, "utf8")));
  return parsed.success ? { rootfs: join(dir, "rootfs"), manifest: parsed.data } : undefined;
}

function debianKey(suite: string, packages: readonly string[], ids: IdMap | undefined): string {
  return keyOf({ kind: "mmdebstrap", suite, packages: [...packages].sort(), ids: ids?.uid.start ?? null });
}

/** The cached image for this package set, or undefined when it has not been built yet. */
export function cachedOsImage(suite = defaultImageSuite, packages: readonly string[] = osImagePackages) {
  const ids = process.getuid?.() === 0 ? subordinateIdMap() : undefined;
  return readImage(join(imageCacheDir(), debianKey(suite, packages, ids)));
}

export interface BuildImageOptions {
  suite?: string;
  packages?: readonly string[];
  /** Debian mirror URL (default: the host's apt sources). */
  mirror?: string;
  /** Rebuild even when a cached image exists. */
  force?: boolean;
  log?: (line: string) => void;
}

/** Builds (or finds cached) the Debian image with mmdebstrap. Needs root and Debian's package mirror. */
export async function buildOsImage({
  suite = defaultImageSuite,
  packages = osImagePackages,
  mirror,
  force = false,
  log = () => {},
}: BuildImageOptions = {}): Promise<OsImage> {
  if (process.getuid?.() !== 0)
    throw new EnvError(
      "building the os image needs root (mmdebstrap, and an id map owned by root); as another user import a root filesystem tar or dir (agenttune os image --from PATH)",
    );
  const ids = sandboxIdMap();
  const dir = join(imageCacheDir(), debianKey(suite, packages, ids));
  const cached = readImage(dir);
  if (cached && !force) return cached;
  try {
    await run("sh", ["-c", "command -v mmdebstrap"]);
  } catch {
    throw new EnvError("mmdebstrap not found: apt-get install mmdebstrap");
  }
  return intoCache(
    dir,
    { source: `mmdebstrap ${suite}`, suite, packages: [...packages] },
    ids,
    log,
    async (tmp) => {
      log(`os image: mmdebstrap ${suite} with ${packages.join(", ")} (about a minute)…`);
      const args = ["--variant=minbase", "--mode=root", `--include=${packages.join(",")}`, suite, tmp];
      if (mirror) args.push(mirror);
      try {
        await run("mmdebstrap", args, { maxBuffer: 64 * 1024 * 1024 });
      } catch (error) {
        const text = `${(error as { stderr?: string }).stderr ?? ""}${(error as Error).message}`;
        const unreachable =
          /Could not resolve|Failed to fetch|Temporary failure|Network is unreachable|Connection refused/.test(
            text,
          );
        const last = text.trim().split("\n").filter(Boolean).slice(-2).join(" | ");
        throw new EnvError(
          unreachable
            ? `os image: Debian's package mirror cannot be reached (${last}); the image build needs it, or import one (agenttune os image --from DIR|TAR)`
            : `os image: mmdebstrap failed: ${last}`,
        );
      }
    },
  );
}

/** Takes a root filesystem the user has (a directory, or a tar such as `docker export` writes) as the image. */
export async function importOsImage(
  source: string,
  { log = () => {} }: { log?: (line: string) => void } = {},
) {
  const path = resolve(source);
  if (!existsSync(path)) throw new InputError(`os image ${source}: no such file or directory`);
  const stat = statSync(path);
  const ids = sandboxIdMap();
  const dir = join(
    imageCacheDir(),
    keyOf({ kind: "import", path, size: stat.size, mtime: stat.mtimeMs, ids: ids?.uid.start ?? null }),
  );
  const cached = readImage(dir);
  if (cached) return cached;
  return intoCache(dir, { source: path }, ids, log, async (tmp) => {
    log(`os image: importing ${path}…`);
    mkdirSync(tmp);
    try {
      if (stat.isDirectory()) await run("cp", ["-a", `${path}/.`, tmp]);
      else await run("tar", ["-xpf", path, "--numeric-owner", "-C", tmp, "--exclude=./dev/*"]);
    } catch (error) {
      const said = `${(error as { stderr?: string }).stderr ?? ""}`.trim().split("\n").filter(Boolean);
      throw new InputError(
        `os image ${source}: cannot be read as a root filesystem (${said[0] ?? (error as Error).message})`,
      );
    }
    if (!existsSync(join(tmp, "bin")) && !existsSync(join(tmp, "usr", "bin")))
      throw new InputError(`os image ${source}: not a root filesystem (no /bin or /usr/bin in it)`);
  });
}

async function intoCache(
  dir: string,
  about: { source: string; suite?: string; packages?: string[] },
  ids: IdMap | undefined,
  log: (line: string) => void,
  fill: (tmp: string) => Promise<void>,
): Promise<OsImage> {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(join(tmp, "rootfs"));
    const files = ids ? shiftOwnership(join(tmp, "rootfs"), ids) : countFiles(join(tmp, "rootfs"));
    const manifest: OsImageManifest = {
      formatVersion: 1,
      key: dir.split("/").at(-1) ?? "",
      ...about,
      uidBase: ids?.uid.start ?? null,
      gidBase: ids?.gid.start ?? null,
      builtAt: new Date().toISOString(),
      files,
    };
    writeFileSync(join(tmp, "image.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir); // readers never see a half-built image
    log(`os image: ${files} files in ${dir}`);
    return { rootfs: join(dir, "rootfs"), manifest };
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Moves every file's owner by the id map's base (0 → base), keeping set-id bits (chown clears them). */
export function shiftOwnership(root: string, ids: IdMap): number {
  let files = 0;
  const visit = (path: string) => {
    const st = lstatSync(path);
    lchownSync(path, ids.uid.start + (st.uid % ids.uid.count), ids.gid.start + (st.gid % ids.gid.count));
    if (!st.isSymbolicLink() && st.mode & 0o6000) chmodSync(path, st.mode & 0o7777);
    files++;
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return files;
}

function countFiles(root: string): number {
  let files = 1;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    files += entry.isDirectory() && !entry.isSymbolicLink() ? countFiles(join(root, entry.name)) : 1;
  }
  return files;
}
