// Python's string-literal escapes, shared by the readers of Python text: AgentBench's task sources
// and the Final Answer literals dbbench evaluates with eval().

/**
 * The escape after a backslash at `pos` (non-raw strings): \n, \t, \xhh, \uXXXX, \UXXXXXXXX, octal…;
 * an unknown one stays as written, as Python keeps it. Undefined for a truncated \x, \u or \U,
 * which Python refuses.
 */
export function decodePythonEscape(text: string, pos: number): { value: string; end: number } | undefined {
  const next = text[pos] ?? "";
  const simple: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    a: "\x07",
    b: "\b",
    f: "\f",
    v: "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "\n": "", // a backslash at the end of a line continues the string
  };
  if (next in simple) return { value: simple[next] as string, end: pos + 1 };
  const hex = ({ x: 2, u: 4, U: 8 } as Record<string, number>)[next];
  if (hex) {
    const digits = text.slice(pos + 1, pos + 1 + hex);
    if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) return undefined;
    return { value: String.fromCodePoint(Number.parseInt(digits, 16)), end: pos + 1 + hex };
  }
  if (/[0-7]/.test(next)) {
    let digits = next;
    let end = pos + 1;
    while (digits.length < 3 && /[0-7]/.test(text[end] ?? "")) digits += text[end++];
    return { value: String.fromCodePoint(Number.parseInt(digits, 8)), end };
  }
  return { value: `\\${next}`, end: pos + 1 };
}

/** The characters Python's str.isspace() accepts: what str.split(), str.strip() and re's \s use. */
const pythonWhitespace =
  "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const pythonWhitespaceRun = new RegExp(`[${pythonWhitespace}]+`, "gu");
const pythonEdges = new RegExp(`^[${pythonWhitespace}]+|[${pythonWhitespace}]+$`, "gu");

/** Python's `text.split()`: runs of Python whitespace separate, empty pieces dropped. */
export const pythonSplit = (text: string): string[] =>
  text.split(pythonWhitespaceRun).filter((t) => t !== "");

/** Python's `text.strip()`, or `text.strip(chars)`. */
export function pythonStrip(text: string, chars?: string): string {
  if (chars === undefined) return text.replace(pythonEdges, "");
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start] as string)) start++;
  while (end > start && chars.includes(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

/** Python's `re.sub(r"\s+", replacement, text)` on a str. */
export const pythonCollapseWhitespace = (text: string, replacement = " "): string =>
  text.replace(pythonWhitespaceRun, replacement);

/** The line boundaries of Python's str.splitlines(). */
const pythonLineBreakChars = "\\n\\r\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029";
const pythonLineBreak = new RegExp(`\\r\\n|[${pythonLineBreakChars}]`, "u");

/** Python's `text.splitlines()`: no empty last piece for a text that ends with a line break. */
export function pythonSplitLines(text: string): string[] {
  const lines = text.split(pythonLineBreak);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
