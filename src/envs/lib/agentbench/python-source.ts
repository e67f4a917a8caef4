// Reads the texts AgentBench keeps in its Python task sources (instructions, one-shot turns) from the
// user's checkout: string literals (prefixes, single/triple quotes, escapes, implicit concatenation)
// of named constants, of a function's return, or of the messages a function injects.
import { decodePythonEscape } from "../python-string.js";

/**
 * One string literal at `pos`, or undefined when there is none. `formatted` marks an f-string, whose
 * {…} parts are filled at run time (its text is not a fixed prompt).
 */
export function readStringLiteral(
  source: string,
  pos: number,
): { value: string; end: number; formatted: boolean } | undefined {
  const match = /^([rRuUbBfF]{0,2})('''|"""|'|")/.exec(source.slice(pos));
  if (!match) return undefined;
  const raw = /r/i.test(match[1] ?? "");
  const formatted = /f/i.test(match[1] ?? "");
  const quote = match[2] as string;
  let i = pos + match[0].length;
  let value = "";
  while (i < source.length) {
    if (source.startsWith(quote, i)) return { value, end: i + quote.length, formatted };
    const ch = source[i] as string;
    if (ch === "\n" && quote.length === 1) return undefined; // an unterminated one-line string
    if (ch === "\\") {
      if (raw) {
        value += source.slice(i, i + 2);
        i += 2;
        continue;
      }
      const decoded = decodePythonEscape(source, i + 1);
      if (!decoded) return undefined; // a truncated \x, \u or \U: no Python string
      value += decoded.value;
      i = decoded.end;
      continue;
    }
    value += ch;
    i++;
  }
  return undefined;
}

/**
 * Adjacent literals joined (Python's implicit concatenation), inside optional parentheses. Inside
 * brackets (`inBrackets`: a list or dict item) literals join across lines too.
 */
export function readStringExpression(
  source: string,
  pos: number,
  inBrackets = false,
): { value: string; end: number; formatted: boolean } | undefined {
  let i = pos;
  let formatted = false;
  const skip = () => {
    for (;;) {
      const space = /^(?:[ \t\r\n]|\\\n|#[^\n]*)+/.exec(source.slice(i));
      if (!space) return;
      i += space[0].length;
    }
  };
  skip();
  const parenthesized = source[i] === "(";
  if (parenthesized) {
    i++;
    skip();
  }
  let value = "";
  let count = 0;
  for (;;) {
    const literal = readStringLiteral(source, i);
    if (!literal) break;
    value += literal.value;
    formatted ||= literal.formatted;
    count++;
    i = literal.end;
    const before = i;
    skip();
    // without parentheses, only a line continuation or spaces on the same line join literals
    const gap = source.slice(before, i);
    if (!parenthesized && !inBrackets && gap.includes("\n") && !gap.includes("\\\n")) {
      i = before;
      break;
    }
  }
  if (count === 0) return undefined;
  if (parenthesized) {
    skip();
    if (source[i] !== ")") return undefined;
    i++;
  }
  return { value, end: i, formatted };
}

/** The value of a module- or class-level `NAME = "…"` (or `NAME: str = …`). */
export function stringConstant(source: string, name: string): string | undefined {
  const assignment = new RegExp(`^[ \\t]*${name}[ \\t]*(?::[^=\\n]*)?=[ \\t]*`, "m").exec(source);
  if (!assignment) return undefined;
  return readStringExpression(source, assignment.index + assignment[0].length)?.value;
}

/** `NAME = [ "…", "…" ]`: a list of string expressions. */
export function stringListConstant(source: string, name: string): string[] | undefined {
  const assignment = new RegExp(`^[ \\t]*${name}[ \\t]*(?::[^=\\n]*)?=[ \\t]*\\[`, "m").exec(source);
  return assignment ? readStringList(source, assignment.index + assignment[0].length)?.items : undefined;
}

/** The string items of a list whose "[" is just before `pos`, up to its "]" (a repr or source). */
export function readStringList(source: string, pos: number): { items: string[]; end: number } | undefined {
  const items: string[] = [];
  let i = pos;
  for (;;) {
    const item = readStringExpression(source, i, true);
    if (!item) break;
    items.push(item.value);
    i = item.end;
    const sep = /^[\s]*(,?)[\s]*/.exec(source.slice(i));
    i += sep?.[0].length ?? 0;
    if (!sep?.[1]) break;
  }
  return source[i] === "]" ? { items, end: i + 1 } : undefined;
}

/**
 * The body of `def NAME(…):`: up to the first line, outside string literals, indented as much as the
 * def or less (a triple-quoted prompt's own lines may start at column 0).
 */
export function functionBody(source: string, name: string): string | undefined {
  const def = new RegExp(`^([ \\t]*)(?:async[ \\t]+)?def[ \\t]+${name}[ \\t]*\\(`, "m").exec(source);
  if (!def) return undefined;
  const indent = (def[1] ?? "").length;
  // the signature may span lines: the body starts after the ":" that closes it
  let signatureEnd = def.index + def[0].length;
  for (let parens = 1; signatureEnd < source.length; signatureEnd++) {
    const ch = source[signatureEnd];
    if (ch === "(") parens++;
    else if (ch === ")") parens--;
    else if (ch === ":" && parens === 0) break;
  }
  const start = source.indexOf("\n", signatureEnd) + 1;
  let i = start;
  let depth = 0; // open brackets: a continuation line may be indented anyhow
  while (i < source.length) {
    const lineStart = i === start || source[i - 1] === "\n";
    if (lineStart && depth === 0) {
      const line = /^([ \t]*)([^\n]*)/.exec(source.slice(i));
      const text = line?.[2] ?? "";
      if (text !== "" && !text.startsWith("#") && (line?.[1] ?? "").length <= indent) break;
    }
    const ch = source[i] as string;
    if (ch === "#") {
      const eol = source.indexOf("\n", i);
      i = eol < 0 ? source.length : eol;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const literal = readStringLiteral(source, i);
      i = literal ? literal.end : i + 1;
      continue;
    }
    if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth = Math.max(0, depth - 1);
    i++;
  }
  return source.slice(start, i);
}

/** The string a function returns (its first uncommented `return "…"`). */
export function functionReturn(source: string, name: string): string | undefined {
  const body = functionBody(source, name);
  if (body === undefined) return undefined;
  for (const match of body.matchAll(/^[ \t]*return[ \t]+/gm)) {
    const value = readStringExpression(body, match.index + match[0].length);
    if (value) return value.value;
  }
  return undefined;
}

export interface InjectedMessage {
  role: string;
  content: string;
}

/** The `{"role": "…", "content": "…"}` dicts with literal content in `text`, in order. */
export function messageDicts(text: string): InjectedMessage[] {
  const messages: InjectedMessage[] = [];
  const role = /\{\s*(['"])role\1\s*:\s*(['"])(\w+)\2\s*,\s*(['"])content\4\s*:\s*/g;
  for (const match of text.matchAll(role)) {
    const content = readStringExpression(text, match.index + match[0].length, true);
    if (!content || content.formatted) continue;
    // content built from variables ("Here is your task. " + ob) is not a fixed text
    if (/^\s*[},]/.test(text.slice(content.end)))
      messages.push({ role: match[3] as string, content: content.value });
  }
  return messages;
}

/** The messages a function injects with literal text, in order. */
export function injectedMessages(source: string, name: string): InjectedMessage[] | undefined {
  const body = functionBody(source, name);
  return body === undefined ? undefined : messageDicts(body);
}

/** `NAME = [ {"role": …, "content": …}, … ]`: a list of message dicts. */
export function messageListConstant(source: string, name: string): InjectedMessage[] | undefined {
  const assignment = new RegExp(`^[ \\t]*${name}[ \\t]*(?::[^=\\n]*)?=[ \\t]*\\[`, "m").exec(source);
  if (!assignment) return undefined;
  let i = assignment.index + assignment[0].length;
  let depth = 1;
  while (i < source.length && depth > 0) {
    const ch = source[i] as string;
    if (ch === "'" || ch === '"') {
      i = readStringLiteral(source, i)?.end ?? i + 1;
      continue;
    }
    if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    i++;
  }
  return messageDicts(source.slice(assignment.index, i));
}
