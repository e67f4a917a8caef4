// MySQL's functions in SQLite (MD5, CONCAT, REPEAT, LEFT…, SUM/AVG as DOUBLE) and its value
// conversions, registered on each task database; string results obey max_allowed_packet.
import type Database from "better-sqlite3";
import { generalCiKey } from "./mysql-dialect.js";
import { md5Hex } from "./table-hash.js";

/** MySQL's max_allowed_packet (MariaDB 10.11's default): CONCAT returns NULL past it. */
export const maxAllowedPacket = 16 * 1024 * 1024;

/** Thrown from inside a statement whose string result outgrows `resultCharLimit`, or whose function work outgrows `workCharLimit` (see sqlite-backend.ts). */
export class ResultTooLarge extends Error {}

/** Text of a value as MySQL would CONCAT it. */
export function textOf(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return String(value);
}

/**
 * A value as MySQL stores it in a TEXT column: a DOUBLE prints without a trailing ".0" and with a bare
 * exponent (1e20); other values are unchanged.
 */
export function mysqlStoredText(value: unknown): unknown {
  if (typeof value !== "number") return value;
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(value).replace("e+", "e");
}

/** MySQL's string → number conversion: the longest numeric prefix, else 0. */
export function mysqlNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  const match = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(String(value));
  return match ? Number(match[0]) : 0;
}

/** Characters the running statement has passed through the functions, and its limit. */
export interface WorkBudget {
  used: number;
  limit: number;
}

/** MySQL's functions under the names the translation calls (mysql_concat, md5…), counting their work in `work`. */
export function registerMysqlFunctions(
  db: Database.Database,
  work: WorkBudget,
  resultCharLimit = maxAllowedPacket,
) {
  // MySQL returns NULL for a string function's result over max_allowed_packet; a lower limit aborts
  const tooLong = () => {
    if (resultCharLimit < maxAllowedPacket) throw new ResultTooLarge();
    return null;
  };
  const capped = (text: string) => {
    spend(text.length);
    return text.length <= resultCharLimit ? text : tooLong();
  };
  /** A function's input text, counted against the statement's budget. */
  const input = (v: unknown) => {
    const text = textOf(v);
    spend(text.length);
    return text;
  };
  const spend = (chars: number) => {
    work.used += chars;
    if (work.used > work.limit) throw new ResultTooLarge();
  };
  db.function("md5", { deterministic: true }, (v: unknown) => (v === null ? null : md5Hex(input(v))));
  db.function("mysql_num", { deterministic: true }, mysqlNumber);
  db.function("mysql_text", { deterministic: true }, mysqlStoredText);
  db.function("mysql_ci", { deterministic: true }, (v: unknown) =>
    v === null ? null : generalCiKey(input(v)),
  );
  db.function("mysql_concat", { deterministic: true, varargs: true }, (...args: unknown[]) =>
    args.some((a) => a === null) ? null : capped(args.map(textOf).join("")),
  );
  db.function(
    "mysql_concat_ws",
    { deterministic: true, varargs: true },
    (sep: unknown, ...args: unknown[]) =>
      sep === null
        ? null
        : capped(
            args
              .filter((a) => a !== null)
              .map(textOf)
              .join(textOf(sep)),
          ),
  );
  const repeat = (s: unknown, n: unknown) => {
    if (s === null || n === null) return null;
    const text = input(s);
    const count = Math.round(Number(n));
    if (!(count > 0)) return "";
    // past the limit without building the string (REPEAT('a', 1e9))
    if (text.length * count > resultCharLimit) return tooLong();
    return capped(text.repeat(count));
  };
  db.function("mysql_repeat", { deterministic: true }, repeat);
  db.function("mysql_space", { deterministic: true }, (n: unknown) => repeat(" ", n));
  db.function("mysql_left", { deterministic: true }, (s: unknown, n: unknown) =>
    s === null ? null : [...input(s)].slice(0, Number(n)).join(""),
  );
  db.function("mysql_right", { deterministic: true }, (s: unknown, n: unknown) =>
    s === null ? null : Number(n) <= 0 ? "" : [...input(s)].slice(-Number(n)).join(""),
  );
  db.function("mysql_locate", { deterministic: true }, (sub: unknown, s: unknown) =>
    sub === null || s === null ? null : input(s).toLowerCase().indexOf(input(sub).toLowerCase()) + 1,
  );
  // SUM/AVG over TEXT columns are DOUBLE in MySQL: always a float, NULL over no non-NULL values.
  const numericAggregate = (finish: (sum: number, n: number) => number) => ({
    start: () => ({ sum: 0, n: 0 }),
    step: (acc: { sum: number; n: number }, v: unknown) => {
      const num = mysqlNumber(v);
      if (num !== null) {
        acc.sum += num;
        acc.n++;
      }
      return acc;
    },
    result: (acc: { sum: number; n: number }) => (acc.n === 0 ? null : finish(acc.sum, acc.n)),
  });
  db.aggregate(
    "mysql_sum",
    numericAggregate((sum) => sum),
  );
  db.aggregate(
    "mysql_avg",
    numericAggregate((sum, n) => sum / n),
  );
}
