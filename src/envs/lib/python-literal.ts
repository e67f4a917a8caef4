// Reads a Python literal (what ast.literal_eval accepts, minus sets and complex numbers) from a
// benchmark's source file: WebArena keeps its prompts as `prompt = {...}` dicts of triple-quoted
// strings and tuples. Only the user's checkout is read this way; nothing is executed.
import { InputError } from "../../core/index.js";
import { decodePythonEscape } from "./python-string.js";

export type PythonValue = string | number | boolean | null | PythonValue[] | { [key: string]: PythonValue };

class Reader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly where: string,
  ) {}

  fail(what: string): never {
    const line = this.text.slice(0, this.pos).split("\n").length;
    throw new InputError(`${this.where}:${line}: ${what}`);
  }

  /** Skips whitespace, newlines and # comments. */
  skip(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      if (ch === "#") {
        const end = this.text.indexOf("\n", this.pos);
        this.pos = end < 0 ? this.text.length : end;
      } else if (/\s/.test(ch)) this.pos++;
      else break;
    }
  }

  value(): PythonValue {
    this.skip();
    const ch = this.text[this.pos];
    if (ch === "{") return this.dict();
    if (ch === "[" || ch === "(") return this.sequence(ch === "[" ? "]" : ")");
    const rest = this.text.slice(this.pos);
    const stringStart = /^([rRbBuUfF]{0,2})("""|'''|"|')/.exec(rest);
    if (stringStart) return this.strings();
    const number = /^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of [
      ["True", true],
      ["False", false],
      ["None", null],
    ] as const)
      if (rest.startsWith(word)) {
        this.pos += word.length;
        return value;
      }
    this.fail(`expected a Python literal, found ${JSON.stringify(rest.slice(0, 20))}`);
  }

  /** One string, or adjacent strings concatenated as Python does. */
  strings(): string {
    let out = "";
    while (true) {
      this.skip();
      const match = /^([rRbBuUfF]{0,2})("""|'''|"|')/.exec(this.text.slice(this.pos));
      if (!match) return out;
      const raw = /r/i.test(match[1] as string);
      const quote = match[2] as string;
      this.pos += match[0].length;
      while (true) {
        if (this.pos >= this.text.length) this.fail("unterminated string");
        if (this.text.startsWith(quote, this.pos)) {
          this.pos += quote.length;
          break;
        }
        const ch = this.text[this.pos] as string;
        if (quote.length === 1 && ch === "\n") this.fail("newline in a one-line string");
        if (ch === "\\") {
          if (raw) {
            out += this.text.slice(this.pos, this.pos + 2);
            this.pos += 2;
            continue;
          }
          const decoded = decodePythonEscape(this.text, this.pos + 1);
          if (decoded) {
            out += decoded.value;
            this.pos = decoded.end;
            continue;
          }
        }
        out += ch;
        this.pos++;
      }
    }
  }

  sequence(close: string): PythonValue[] {
    this.pos++;
    const items: PythonValue[] = [];
    while (true) {
      this.skip();
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skip();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== close) this.fail(`expected "," or "${close}"`);
    }
  }

  dict(): { [key: string]: PythonValue } {
    this.pos++;
    const out: { [key: string]: PythonValue } = {};
    while (true) {
      this.skip();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const key = this.value();
      this.skip();
      if (this.text[this.pos] !== ":") this.fail('expected ":" after a dict key');
      this.pos++;
      out[String(key)] = this.value();
      this.skip();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}") this.fail('expected "," or "}"');
    }
  }
}

/** The literal assigned to `name` at the start of a line (`name = {...}`) in Python source. */
export function pythonAssignment(source: string, name: string, where: string): PythonValue {
  const match = new RegExp(`^${name}\\s*=\\s*`, "m").exec(source);
  if (!match) throw new InputError(`${where}: no "${name} = …" assignment`);
  const reader = new Reader(source, where);
  reader.pos = match.index + match[0].length;
  return reader.value();
}
