// Python `re` patterns (AgentBench's os tasks judge answers with re.search) as JavaScript RegExps:
// the syntax that differs is rewritten, the rest is the same in both.

/**
 * `re.search(pattern, text)` semantics as a RegExp: named groups (?P<n>…) and (?P=n), \A and \Z,
 * `$` also before a final newline, and leading inline flags (?i) (?s) (?m) ((?x) is refused).
 * Throws on a pattern neither accepts.
 */
export function pythonRegex(pattern: string): RegExp {
  let flags = "u";
  let body = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    const letters = inline[1] as string;
    if (letters.includes("x")) throw new Error(`Python regex ${pattern}: verbose mode (?x) is not supported`);
    if (letters.includes("i")) flags += "i";
    if (letters.includes("s")) flags += "s";
    if (letters.includes("m")) flags += "m";
    body = body.slice(inline[0].length);
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (inClass) {
      if (ch === "\\") {
        out += ch + (body[i + 1] ?? "");
        i++;
      } else {
        if (ch === "]") inClass = false;
        out += ch;
      }
      continue;
    }
    if (ch === "[") {
      inClass = true;
      out += ch;
      if (body[i + 1] === "]") {
        out += "\\]"; // a "]" first in a class is a literal in Python
        i++;
      }
    } else if (ch === "$" && !flags.includes("m")) out += "(?=\\n?(?![\\s\\S]))";
    else if (ch === "\\") {
      const next = body[i + 1] ?? "";
      if (next === "A")
        out += "(?<![\\s\\S])"; // start of the string, whatever the m flag
      else if (next === "Z")
        out += "(?![\\s\\S])"; // end of the string
      else out += ch + next;
      i++;
    } else if (body.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
    } else if (body.startsWith("(?P=", i)) {
      const close = body.indexOf(")", i);
      out += `\\k<${body.slice(i + 4, close)}>`;
      i = close;
    } else out += ch;
  }
  return new RegExp(out, flags);
}
