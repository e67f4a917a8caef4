// Python's json.loads where it differs from JSON.parse in ways a harness can see: a number written
// with a fraction or an exponent is a float (str() prints "1.0", and int() rejects it), and NaN,
// Infinity and -Infinity parse. Floats come back as PythonFloat; everything else as JSON.parse gives.

export class PythonFloat {
  constructor(readonly value: number) {}
}

const floatKey = "\u0000python-float";

/** json.loads(text); throws SyntaxError where Python raises JSONDecodeError. */
export function pythonJsonLoads(text: string): unknown {
  let marked = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      // copy the string literal whole, escapes included
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      marked += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const token = /^(-?Infinity|NaN|-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?)/.exec(text.slice(i));
    if (token && (ch === "-" || /[0-9IN]/.test(ch))) {
      const literal = token[1] as string;
      const isFloat = token[2] !== undefined || token[3] !== undefined || /[IN]/.test(literal);
      marked += isFloat ? `{"${floatKey}":${JSON.stringify(literal)}}` : literal;
      i += literal.length;
      continue;
    }
    marked += ch;
    i++;
  }
  return JSON.parse(marked, (_key, value) => {
    if (value && typeof value === "object" && !Array.isArray(value) && floatKey in value) {
      const literal = value[floatKey] as string;
      return new PythonFloat(Number(literal));
    }
    return value;
  });
}

/**
 * str() of a parsed scalar as Python prints it; undefined for lists and dicts (callers compare the
 * result with short literals, which a container's str() never equals).
 */
export function pythonStrOfJson(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : undefined;
  if (value instanceof PythonFloat) {
    const v = value.value;
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
  }
  return undefined;
}

/** int(text) for a str: surrounding whitespace, a sign, ASCII digits with single underscores between. */
export function pythonIntOfStr(text: string): number | undefined {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number((match[2] as string).replaceAll("_", ""));
  return match[1] === "-" ? -value : value;
}
