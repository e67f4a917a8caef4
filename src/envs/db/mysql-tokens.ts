// MySQL statement text as tokens: strings and identifiers with their values (backslash escapes,
// doubled quotes), numbers, words, operators; ASCII fast paths, patterns for the rest.

export type Token =
  | { type: "ws" | "comment" | "word" | "number" | "op" | "punct"; text: string; start: number }
  | { type: "string"; text: string; value: string; start: number }
  | { type: "ident"; text: string; value: string; start: number };

export class MysqlSyntaxError extends Error {
  constructor(readonly near: string) {
    super(`syntax error near '${near}'`);
  }
}

const mysqlEscapes: Record<string, string> = {
  "0": "\0",
  b: "\b",
  n: "\n",
  r: "\r",
  t: "\t",
  Z: "\x1a",
  "%": "\\%",
  _: "\\_",
};

type SimpleToken = [Exclude<Token["type"], "string" | "ident">, RegExp];

// sticky (y) patterns match at lastIndex without slicing the statement for every token
const ws: SimpleToken = ["ws", /\s+/y];
const comment: SimpleToken = ["comment", /--\s[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//y];
const number: SimpleToken = ["number", /(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)(?![\w$])/iy];
const word: SimpleToken = ["word", /[\p{L}\p{N}_$]+/uy];
const op: SimpleToken = ["op", /<=>|<=|>=|<>|!=|=|<|>/y];
const onlyWs = [ws];
const onlyComment = [comment];
const numberOrWord = [number, word];
const onlyOp = [op];
const onlyWord = [word];

/** The patterns that can match at a character (each starts with only a few), in their order. */
function candidates(ch: string): SimpleToken[] {
  const code = ch.charCodeAt(0);
  if (isAsciiSpace(code) || (code >= 0x80 && /\s/.test(ch))) return onlyWs;
  if (ch === "-" || ch === "#" || ch === "/") return onlyComment;
  if ((ch >= "0" && ch <= "9") || ch === ".") return numberOrWord;
  if (ch === "<" || ch === ">" || ch === "=" || ch === "!") return onlyOp;
  return onlyWord;
}

/** The statement's tokens; with `spaces: false`, without spaces and comments (what SQL means). */
export function tokenize(sql: string, { spaces = true }: { spaces?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  next: while (pos < sql.length) {
    const code = sql.charCodeAt(pos);
    if (code === 0x27 || code === 0x22 || code === 0x60) {
      const token = quoted(sql, pos);
      tokens.push(token);
      pos += token.text.length;
      continue;
    }
    // ASCII spaces, names and punctuation without a pattern; a run that reaches a non-ASCII character
    // is read again by the patterns below, from its start
    if (isAsciiSpace(code)) {
      const end = skipWhile(sql, pos, isAsciiSpace);
      if (!(sql.charCodeAt(end) >= 0x80)) {
        if (spaces) tokens.push({ type: "ws", text: sql.slice(pos, end), start: pos });
        pos = end;
        continue;
      }
    } else if (isAsciiWordStart(code)) {
      const end = skipWhile(sql, pos, isAsciiWordChar);
      if (!(sql.charCodeAt(end) >= 0x80)) {
        tokens.push({ type: "word", text: sql.slice(pos, end), start: pos });
        pos = end;
        continue;
      }
    } else if (code < 0x80 && candidates(sql[pos] as string) === onlyWord) {
      // an ASCII character that is no name's start, and no other pattern's either
      tokens.push({ type: "punct", text: sql[pos] as string, start: pos });
      pos++;
      continue;
    }
    for (const [type, pattern] of candidates(sql[pos] as string)) {
      pattern.lastIndex = pos;
      // test() moves lastIndex past the match without building a match array
      if (pattern.test(sql) && pattern.lastIndex > pos) {
        if (spaces || (type !== "ws" && type !== "comment"))
          tokens.push({ type, text: sql.slice(pos, pattern.lastIndex), start: pos });
        pos = pattern.lastIndex;
        continue next;
      }
    }
    tokens.push({ type: "punct", text: sql[pos] as string, start: pos });
    pos++;
  }
  return tokens;
}

/** \s's ASCII members: tab, line feed, vertical tab, form feed, carriage return, space. */
const isAsciiSpace = (code: number) => code === 0x20 || (code >= 0x09 && code <= 0x0d);
/** What starts a word token (a digit starts a number first). */
const isAsciiWordStart = (code: number) =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x24;
const isAsciiWordChar = (code: number) => isAsciiWordStart(code) || (code >= 0x30 && code <= 0x39);
function skipWhile(sql: string, pos: number, test: (code: number) => boolean): number {
  let end = pos + 1;
  while (end < sql.length && test(sql.charCodeAt(end))) end++;
  return end;
}

/** A '…' or "…" string (backslash escapes, doubled quotes) or a `…` identifier starting at `start`. */
function quoted(sql: string, start: number): Token {
  const quote = sql[start];
  let pos = start + 1;
  let value = "";
  while (pos < sql.length) {
    const c = sql[pos++] ?? "";
    if (c === quote && sql[pos] === quote) {
      value += quote;
      pos++;
    } else if (c === quote) {
      const text = sql.slice(start, pos);
      return quote === "`" ? { type: "ident", text, value, start } : { type: "string", text, value, start };
    } else if (c === "\\" && quote !== "`" && pos < sql.length) {
      const e = sql[pos++] ?? "";
      value += mysqlEscapes[e] ?? e;
    } else value += c;
  }
  throw new MysqlSyntaxError(sql.slice(start));
}

/** Splits off the first statement (of `sql`'s tokens); MySQL runs one statement per call and rejects a second. */
export function singleStatement(tokens: Token[], sql: string): Token[] {
  const semi = tokens.findIndex(isSemicolon);
  if (semi < 0) return tokens;
  const first = tokens.slice(semi + 1).find(isSolid);
  if (first) throw new MysqlSyntaxError(sql.slice(first.start));
  return tokens.slice(0, semi);
}

const isSemicolon = (t: Token) => t.type === "punct" && t.text === ";";
const isSolid = (t: Token) => t.type !== "ws" && t.type !== "comment";

/** Only printable ASCII characters (space to tilde): text no case or accent folding can change but case. */
export const printableAscii = /^[ -~]*$/;
