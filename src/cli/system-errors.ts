// Errors the operating system gives for a user's own paths and ports, said in one line with what to do,
// instead of a Node stack trace.
const hints: Record<string, string> = {
  EACCES: "permission denied: choose a path you can write to",
  EPERM: "operation not permitted: choose a path you can write to",
  EISDIR: "is a folder, a file is needed here",
  ENOTDIR: "a part of this path is a file, not a folder",
  EEXIST: "already exists and is not a folder",
  ENOENT: "no such file or folder",
  EROFS: "is on a read-only file system",
  ENOSPC: "no space left on the device",
  EADDRINUSE: "is in use: pick another with --port",
  EADDRNOTAVAIL: "is not an address of this machine",
};

interface SystemError {
  code?: string;
  path?: string;
  dest?: string;
  port?: number;
  address?: string;
  syscall?: string;
}

/** One line for an OS error on a path or a port, or undefined when `error` is not one. */
export function systemErrorLine(error: unknown): string | undefined {
  const e = error as SystemError | undefined;
  const hint = e?.code ? hints[e.code] : undefined;
  if (!hint) return undefined;
  if (e?.port !== undefined) return `port ${e.port}${e.address ? ` on ${e.address}` : ""} ${hint}`;
  const path = e?.dest ?? e?.path;
  return path ? `${path}: ${hint}` : `${e?.syscall ?? "system call"}: ${hint}`;
}
