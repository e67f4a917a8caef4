// Append-only JSONL log that survives kill -9: one write() per record, a torn last line is cut on reopen.
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

export interface AppendLogOptions {
  /** fsync after every record (slower; protects against power loss, not only process death). */
  fsync?: boolean;
}

export class AppendLog {
  private readonly fd: number;
  /** Bytes cut from the end on open because the last line was torn. */
  readonly repairedBytes: number;

  constructor(
    readonly file: string,
    private readonly options: AppendLogOptions = {},
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, "a+");
    this.repairedBytes = cutTornTail(this.fd);
  }

  append(record: unknown): void {
    const line = `${JSON.stringify(record)}\n`;
    // A single write of the whole line: a crash leaves either nothing or a prefix, never an interleave.
    writeSync(this.fd, line);
    if (this.options.fsync) fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Truncates the file after its last newline; returns how many bytes were dropped. */
function cutTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (nl >= 0) {
      const keep = start + nl + 1;
      if (keep < size) ftruncateSync(fd, keep);
      return size - keep;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
  return size;
}
