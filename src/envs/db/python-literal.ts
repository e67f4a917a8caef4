// Evaluates the Python literals agents write after "Final Answer:" (lists, tuples, strings, numbers, None).

export type PyValue = string | number | boolean | null | PyValue[];

/** Parses a Python literal; throws on anything else (AgentBench then falls back to the raw text). */
export function parsePythonLiteral(source: string): PyValue {
  let pos = 0;
  const text = source.trim();
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${pos}`);
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos] ?? "")) pos++;
  };
  const value = (): PyValue => {
    skip();
    const ch = text[pos];
    if (ch === "[" || ch === "(") return sequence(ch === "[" ? "]" : ")");
    if (ch === "'" || ch === '"') {
      let s = "";
      while (text[pos] === "'" || text[pos] === '"') {
        s += str(); // adjacent literals concatenate, as in Python
        skip();
      }
      return s;
    }
    const word = /^(None|True|False)\b/.exec(text.slice(pos));
    if (word) {
      pos += word[0].length;
      return word[0] === "None" ? null : word[0] === "True";
    }
    const num = /^[-+]?(\d[\d_]*\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?)/i.exec(text.slice(pos));
    if (num) {
      pos += num[0].length;
      return Number(num[0].replaceAll("_", ""));
    }
    return fail("unexpected token");
  };
  const sequence = (close: string): PyValue[] => {
    pos++;
    const items: PyValue[] = [];
    skip();
    while (text[pos] !== close) {
      items.push(value());
      skip();
      if (text[pos] === ",") {
        pos++;
        skip();
      } else if (text[pos] !== close) fail(`expected "," or "${close}"`);
    }
    pos++;
    return items;
  };
  const str = (): string => {
    const quote = text[pos++];
    let out = "";
    while (pos < text.length && text[pos] !== quote) {
      const ch = text[pos++] ?? "";
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      out += escapeSequence();
    }
    if (pos >= text.length) fail("unterminated string");
    pos++;
    return out;
  };
  /** Python's string escapes (after the backslash): \uXXXX, \xhh, octal, \n… ; unknown ones stay. */
  const escapeSequence = (): string => {
    const next = text[pos++] ?? "";
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
    if (next in simple) return simple[next] as string;
    const hex = { x: 2, u: 4, U: 8 }[next];
    if (hex) {
      const digits = text.slice(pos, pos + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) fail(`truncated \\${next} escape`);
      pos += hex;
      return String.fromCodePoint(Number.parseInt(digits, 16));
    }
    if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(text[pos] ?? "")) digits += text[pos++];
      return String.fromCodePoint(Number.parseInt(digits, 8));
    }
    return `\\${next}`; // Python keeps an unknown escape as written
  };
  const result = value();
  skip();
  if (pos !== text.length) fail("trailing text");
  return result;
}
