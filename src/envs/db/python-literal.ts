// Evaluates the Python literals agents write after "Final Answer:" (lists, tuples, strings, numbers, None).
import { decodePythonEscape } from "../lib/python-string.js";

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
      const decoded = decodePythonEscape(text, pos);
      if (!decoded) return fail(`truncated \\${text[pos]} escape`);
      out += decoded.value;
      pos = decoded.end;
    }
    if (pos >= text.length) fail("unterminated string");
    pos++;
    return out;
  };
  const result = value();
  skip();
  if (pos !== text.length) fail("trailing text");
  return result;
}
