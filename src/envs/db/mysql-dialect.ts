// Rewrites a MySQL statement so SQLite runs it with MySQL's meaning where dbbench depends on it:
// string literals ("…" and backslash escapes), numeric comparison of TEXT columns with numbers,
// case- and accent-insensitive, trailing-space-insensitive comparison (utf8mb4_general_ci, PAD SPACE),
// and MySQL functions (CONCAT, CONCAT_WS, MD5, IF, LEFT, RIGHT, CAST AS SIGNED, SUM/AVG as DOUBLE).

import { printableAscii, singleStatement, type Token, tokenize } from "./mysql-tokens.js";

/**
 * A comparison key that equals where utf8mb4_general_ci does: case and accents folded (é = E),
 * trailing spaces ignored (PAD SPACE).
 */
export function generalCiKey(text: string): string {
  const trimmed = text.replace(/ +$/, "");
  if (printableAscii.test(trimmed)) return trimmed.toUpperCase(); // nothing to fold but case
  return trimmed.normalize("NFD").replace(/\p{M}/gu, "").toUpperCase();
}

const sqliteString = (value: string) => `'${value.includes("'") ? value.replaceAll("'", "''") : value}'`;
const sqliteIdent = (value: string) => `"${value.includes('"') ? value.replaceAll('"', '""') : value}"`;

/** An unquoted name starting with a digit (1952_British_Grand_Prix_0), which SQLite needs quoted. */
function startsWithDigit(word: string): boolean {
  const code = word.charCodeAt(0);
  if (code < 0x80) return code >= 0x30 && code <= 0x39;
  return /^\p{N}/u.test(word);
}

const keywords = new Set(
  "select from where and or not null is in like between as on join left right inner outer group by order having limit offset union all distinct case when then else end asc desc set values into update insert delete exists true false".split(
    " ",
  ),
);

const functionRenames: Record<string, string> = {
  concat: "mysql_concat",
  concat_ws: "mysql_concat_ws",
  sum: "mysql_sum",
  avg: "mysql_avg",
  if: "iif",
  left: "mysql_left",
  right: "mysql_right",
  locate: "mysql_locate",
  repeat: "mysql_repeat",
  space: "mysql_space",
  ucase: "upper",
  lcase: "lower",
};

const castTypes: Record<string, string> = {
  signed: "INTEGER",
  unsigned: "INTEGER",
  integer: "INTEGER",
  int: "INTEGER",
  decimal: "REAL",
  double: "REAL",
  float: "REAL",
  char: "TEXT",
};

export interface Translation {
  sql: string;
  /** Source offset (in the MySQL text) of each space-separated piece of `sql`, for error messages. */
  pieces(): { text: string; start: number }[];
  /** The MySQL statement's tokens, without spaces and comments. */
  tokens: Token[];
}

const tableContext = new Set(["from", "join", "into", "update", "table"]);

/** Translates one MySQL statement to SQLite. */
export interface TranslateOptions {
  /** false: leave comparisons as SQLite's (to locate syntax errors without the wrappers). */
  comparisons?: boolean;
  /** Every value in the database is printable ASCII: comparison keys need no Unicode folding. */
  asciiData?: boolean;
  /**
   * Also: no value ends with a space and nothing has written yet (the table as given), and the
   * statement is bounded (sqlite-bounded.ts: one table, no subquery). Then a SELECT's WHERE equality
   * of a column with a string compares through NOCASE alone, as upper(rtrim(col)) would.
   */
  givenPlainData?: boolean;
}

export function toSqlite(
  sql: string,
  { comparisons = true, asciiData = false, givenPlainData = false }: TranslateOptions = {},
): Translation {
  const solid = singleStatement(tokenize(sql, { spaces: false }), sql);
  const out: string[] = [];
  for (let i = 0; i < solid.length; i++) {
    const t = solid[i] as Token;
    const next = solid[i + 1];
    const prev = solid[i - 1];
    const lower = t.type === "word" ? t.text.toLowerCase() : "";
    // SQLite also reads 'name' and [name] as table names; MySQL rejects both. An illegal token in
    // their place makes SQLite fail there, unless an earlier mistake fails first, as MySQL would.
    if (t.type === "string" && tableContext.has(prev?.text.toLowerCase() ?? "")) out.push(syntaxErrorMarker);
    else if (t.type === "punct" && t.text === "[") out.push(syntaxErrorMarker);
    else if (t.type === "string") out.push(sqliteString(t.value));
    else if (t.type === "ident") out.push(sqliteIdent(t.value));
    else if (t.type === "word" && next?.text === "(" && functionRenames[lower])
      out.push(functionRenames[lower]);
    else if (
      t.type === "word" &&
      prev?.text.toLowerCase() === "as" &&
      castTypes[lower] &&
      isInCast(solid, i)
    ) {
      out.push(castTypes[lower]);
      // DECIMAL(10,2) / CHAR(20): the size has no meaning for SQLite's CAST
      if (next?.text === "(") {
        const close = skipParens(solid, i + 1);
        for (let j = i + 1; j <= close; j++) out.push("");
        i = close;
      }
    }
    // MySQL takes an unquoted name that starts with digits (1952_British_Grand_Prix_0); SQLite
    // needs it quoted (a number-only word is a number token, never here)
    else if (t.type === "word" && startsWithDigit(t.text)) out.push(sqliteIdent(t.text));
    else out.push(t.text);
  }
  if (comparisons)
    rewriteComparisons(out, solid, {
      asciiData: asciiData || givenPlainData,
      plainWhere: givenPlainData && solid[0]?.type === "word" && solid[0].text.toLowerCase() === "select",
    });
  return new SqliteTranslation(out, solid);
}

/** A translation from the output piece of each solid token ("" for none). */
class SqliteTranslation implements Translation {
  readonly sql: string;

  constructor(
    private readonly out: string[],
    readonly tokens: Token[],
  ) {
    const kept: string[] = [];
    for (const text of out) if (text !== "") kept.push(text);
    this.sql = kept.join(" ");
  }

  /** Only an error message needs them: worked out when asked for. */
  pieces(): { text: string; start: number }[] {
    const pieces: { text: string; start: number }[] = [];
    for (let i = 0; i < this.out.length; i++) {
      const text = this.out[i] as string;
      if (text !== "") pieces.push({ text, start: this.tokens[i]?.start ?? 0 });
    }
    return pieces;
  }
}

/** A token SQLite's tokenizer rejects ("unrecognized token"). */
export const syntaxErrorMarker = "!";

/** The clause a column reference sits in, as MariaDB names it in "Unknown column 'x' in '…'". */
export function clauseOf(sql: string, name: string): string {
  let clause = "field list";
  const tokens = tokenize(sql, { spaces: false });
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const word = t.type === "word" ? t.text.toUpperCase() : "";
    const next = tokens[i + 1]?.text.toUpperCase();
    if (word === "SELECT" || word === "WHERE" || word === "HAVING" || word === "SET") clause = word;
    else if ((word === "ORDER" || word === "GROUP") && next === "BY") clause = `${word} BY`;
    else if (word === "INSERT") clause = "INSERT INTO";
    else if (word === "ON") clause = "on clause";
    else if (word === "FROM" || word === "UPDATE" || word === "VALUES") clause = "field list";
    const value = t.type === "ident" ? t.value : t.type === "word" ? t.text : undefined;
    if (value !== undefined && value.toLowerCase() === name.toLowerCase() && clause !== "field list")
      return clause;
  }
  return "field list";
}

function isInCast(tokens: Token[], asIndex: number): boolean {
  let depth = 0;
  for (let i = asIndex - 1; i >= 0; i--) {
    const t = tokens[i] as Token;
    if (t.text === ")") depth++;
    else if (t.text === "(") {
      if (depth === 0) return tokens[i - 1]?.text.toLowerCase() === "cast";
      depth--;
    }
  }
  return false;
}

function skipParens(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]?.text === "(") depth++;
    else if (tokens[i]?.text === ")" && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/**
 * MySQL's string → number conversion (the longest numeric prefix after leading spaces, else 0) is
 * SQLite's CAST to REAL, natively (mysql_num, the same rule in JavaScript, costs ~1 µs a row).
 */
const numberOf = (sql: string) => `CAST(${sql} AS REAL)`;

/**
 * generalCiKey of a column, natively where the value is printable ASCII (SQLite's upper() and a right
 * trim of spaces give the same key) and through mysql_ci otherwise; asciiCiKeyOf where every value
 * of the database is.
 */
const asciiCiKeyOf = (sql: string) => `upper(rtrim(${sql}, ' '))`;
const ciKeyOf = (sql: string) =>
  `(CASE WHEN ${sql} GLOB '*[^ -~]*' THEN mysql_ci(${sql}) ELSE ${asciiCiKeyOf(sql)} END)`;

/** A column name: not a keyword, not a literal. */
function isColumn(tokens: Token[], i: number): boolean {
  const t = tokens[i];
  return (
    t !== undefined && (t.type === "ident" || (t.type === "word" && !keywords.has(t.text.toLowerCase())))
  );
}

function literalKind(t: Token | undefined): "number" | "string" | undefined {
  if (t?.type === "number") return "number";
  if (t?.type === "string") return "string";
  return undefined;
}

const beforeCondition = new Set(["where", "and", "or", "not", "("]);
const afterCondition = new Set(["and", "or", ")", "group", "having", "order", "limit"]);

/**
 * tokens[op] is = != or <> between two operands of one token each, and the comparison is a condition
 * of its own (WHERE a = 'x' AND …): no operator of the operands' side binds to them.
 */
function equalityOnItsOwn(tokens: Token[], op: number): boolean {
  const text = (tokens[op] as Token).text;
  if (text !== "=" && text !== "!=" && text !== "<>") return false;
  const before = tokens[op - 2];
  const after = tokens[op + 2];
  return (
    before !== undefined &&
    beforeCondition.has(before.text.toLowerCase()) &&
    (after === undefined || afterCondition.has(after.text.toLowerCase()))
  );
}

/** Whether every string literal of a statement is printable ASCII (so are the values it writes). */
export function asciiLiterals(tokens: Token[]): boolean {
  for (const t of tokens) if (t.type === "string" && !printableAscii.test(t.value)) return false;
  return true;
}

/**
 * Wraps an assigned value, result[start..end), in mysql_text: the TEXT column stores a number the way
 * MySQL prints it (4, not SQLite's 4.0).
 */
function wrapAssignedValue(result: string[], start: number, end: number) {
  if (start >= 0 && end > start) {
    result[start] = `mysql_text(${result[start]}`;
    result[end - 1] = `${result[end - 1]})`;
  }
}

/**
 * In place: `col <op> 17` compares numerically in MySQL (TEXT is converted to a number) but as text in SQLite;
 * `col <op> 'x'` ignores case and trailing spaces in MySQL. Rewrite both shapes, column on either side.
 */
function rewriteComparisons(
  result: string[],
  tokens: Token[],
  { asciiData, plainWhere }: { asciiData: boolean; plainWhere: boolean },
): void {
  let assigning = false; // between UPDATE … SET and WHERE, "=" assigns
  let inWhere = false;
  let depth = 0;
  let valueStart = -1; // the assigned value's first token
  for (let i = 1; i < tokens.length - 1; i++) {
    const op = tokens[i] as Token;
    const word = op.type === "word" ? op.text.toLowerCase() : "";
    if (op.text === "(") depth++;
    else if (op.text === ")") depth--;
    if (word === "where") inWhere = true;
    else if (word === "group" || word === "having" || word === "order" || word === "limit") inWhere = false;
    if (word === "set") assigning = true;
    else if (word === "where" || word === "order" || word === "limit") {
      if (assigning) wrapAssignedValue(result, valueStart, i);
      valueStart = -1;
      assigning = false;
    } else if (assigning && depth === 0 && op.text === ",") {
      wrapAssignedValue(result, valueStart, i);
      valueStart = -1;
    }
    if (assigning && depth === 0 && op.type === "op" && op.text === "=") valueStart = i + 1;
    if (op.type === "punct" && "+-*/%".includes(op.text)) {
      // arithmetic on TEXT converts to DOUBLE in MySQL
      for (const side of [i - 1, i + 1]) {
        if (isColumn(tokens, side) && tokens[side - 1]?.text !== ".")
          result[side] = numberOf(result[side] ?? "");
      }
      continue;
    }
    if (op.type !== "op" || assigning) continue;
    // a column that is not itself qualified or a function name (x.col, f(col) stay as they are)
    const leftCol = isColumn(tokens, i - 1) && tokens[i - 2]?.text !== "." && tokens[i - 2]?.text !== "(";
    const sideColumn =
      leftCol && literalKind(tokens[i + 1])
        ? i - 1
        : isColumn(tokens, i + 1) && literalKind(tokens[i - 1])
          ? i + 1
          : -1;
    if (sideColumn < 0) continue;
    const kind = literalKind(tokens[sideColumn === i - 1 ? i + 1 : i - 1]);
    const lit = sideColumn === i - 1 ? i + 1 : i - 1;
    if (kind === "number") result[sideColumn] = numberOf(result[sideColumn] ?? "");
    else if (plainWhere && inWhere && equalityOnItsOwn(tokens, i)) {
      // the column's own collation is NOCASE (sqlite-database.ts); said again at the literal, which wins
      const key = generalCiKey((tokens[lit] as Token & { type: "string" }).value);
      result[lit] = `${sqliteString(key)} COLLATE NOCASE`;
    } else {
      const col = result[sideColumn] ?? "";
      result[sideColumn] = asciiData ? asciiCiKeyOf(col) : ciKeyOf(col);
      // the literal's key is known now: a string literal, as kind says
      result[lit] = sqliteString(generalCiKey((tokens[lit] as Token & { type: "string" }).value));
    }
  }
  if (assigning) wrapAssignedValue(result, valueStart, tokens.length);
}
