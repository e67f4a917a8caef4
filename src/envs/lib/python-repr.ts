// Python's repr() of the values AgentBench prints into observations (its harness is Python).
import type { PythonValue } from "./python-literal.js";

/** Printable ASCII but quotes and backslash: repr() only adds single quotes. */
const plainPrintable = /^[ !#-&(-[\]-~]*$/;

/** Python's repr(str): single quotes unless the text has a single quote and no double quote. */
export function pythonStrRepr(text: string): string {
  if (plainPrintable.test(text)) return `'${text}'`;
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0x80 && code <= 0xa0) out += `\\x${code.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr of a dict of str keys to bool, str and lists of str (WebShop's available actions). */
export function pythonDictRepr(
  value: Readonly<Record<string, boolean | string | readonly string[]>>,
): string {
  const item = (v: boolean | string | readonly string[]): string =>
    typeof v === "boolean"
      ? v
        ? "True"
        : "False"
      : typeof v === "string"
        ? pythonStrRepr(v)
        : `[${v.map(pythonStrRepr).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonStrRepr(k)}: ${item(v)}`)
    .join(", ")}}`;
}

/**
 * Python's repr(float): the shortest round-tripping digits, as JavaScript's, but always with a
 * fraction (`15.0`) and Python's exponent form (`1e+16`, `1e-05`).
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent = "0"] = value.toExponential().split("e");
    const e = Number(exponent);
    return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${Object.is(value, -0) ? "-0" : text}.0` : text;
}

/** repr() of a literal read from Python source (str, int, bool, None, lists, dicts), as `%s` prints a dict. */
export function pythonRepr(value: PythonValue): string {
  if (typeof value === "string") return pythonStrRepr(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null) return "None";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pythonStrRepr(k)}: ${pythonRepr(v)}`)
    .join(", ")}}`;
}

/** `template % (args…)` with `%s` and `%%`, as the prompts of a Python harness are assembled. */
export function pythonPercentFormat(template: string, args: readonly string[], where: string): string {
  let next = 0;
  const out = template.replace(/%(.)/gs, (whole, spec: string) => {
    if (spec === "%") return "%";
    if (spec !== "s") throw new Error(`${where}: unsupported format ${whole}`);
    if (next >= args.length) throw new Error(`${where}: not enough arguments for format string`);
    return args[next++] as string;
  });
  if (next !== args.length) throw new Error(`${where}: not all arguments converted during string formatting`);
  return out;
}
