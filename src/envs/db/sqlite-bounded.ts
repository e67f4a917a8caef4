// Which MySQL statements may run on the run's own thread: those whose cost is bounded by their text and
// by the table's size (one table, no join, subquery, CTE or compound, only functions linear in their
// input, LIKE only with a short literal pattern), and sqlite-backend.ts keeps that table small. Anything else may run for ever (a recursive CTE, a
// cartesian product, a LIKE pattern with many %) and goes to a worker process, whose clock and kill
// enforce the statement time limit. The rule is a whitelist: what it does not know is not bounded.
import { singleStatement, type Token, tokenize } from "./mysql-tokens.js";

/** Longer statements go to a worker: their literals alone could be slow to compare. */
export const boundedStatementMaxChars = 4 * 1024;

const leadingWords = new Set(["select", "insert", "update", "delete", "replace"]);

/** Words that make a statement's cost unbounded by its text (or that it would take longer to prove). */
const unboundedWords = new Set([
  "with",
  "recursive",
  "join",
  "straight_join",
  "natural",
  "lateral",
  "union",
  "intersect",
  "except",
  "over",
  "window",
  "glob",
  "regexp",
  "rlike",
  "match",
  "sounds",
  "exists",
]);

/**
 * Functions whose cost and result are linear in their arguments and that map printable ASCII to
 * printable ASCII (sqlite-database.ts relies on it), by their MySQL names.
 */
const linearFunctions = new Set([
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "abs",
  "round",
  "lower",
  "upper",
  "lcase",
  "ucase",
  "length",
  "coalesce",
  "ifnull",
  "nullif",
  "if",
  "concat",
  "concat_ws",
  "left",
  "right",
  "substr",
  "substring",
  "trim",
  "ltrim",
  "rtrim",
  "md5",
  "cast",
]);

/** Words before "(" that open a list or a group, not a function call. */
const groupingWords = new Set([
  "in",
  "values",
  "value",
  "and",
  "or",
  "xor",
  "not",
  "on",
  "as",
  "when",
  "then",
  "else",
  "where",
  "having",
  "by",
  "set",
  "is",
  "between",
  "like",
  "select",
  "distinct",
  "all",
  "limit",
  "offset",
  "duplicate",
  "key",
  "update",
]);

/** What may follow a FROM's table (and its alias). */
const afterTable = new Set(["where", "group", "order", "limit", "having", "for", "lock"]);

/** What may follow a LIKE's pattern: the pattern is then the literal alone. */
const afterPattern = new Set([
  "and",
  "or",
  "xor",
  "escape",
  "order",
  "group",
  "limit",
  "having",
  "then",
  "when",
  "else",
  "end",
  "asc",
  "desc",
  ")",
  ",",
]);

/** Function calls in one statement: each may run once per row, natively (UPPER…) or in JavaScript. */
export const maxFunctionCalls = 16;

const maxPatternWildcards = 3;
const maxPatternChars = 64;

const lower = (t: Token | undefined) => (t && t.type === "word" ? t.text.toLowerCase() : undefined);
const isName = (t: Token | undefined) =>
  t?.type === "ident" || (t?.type === "word" && !afterTable.has(lower(t) ?? ""));

/** Whether `sql` (MySQL) certainly ends soon on a table of bounded size. */
export function isBoundedStatement(sql: string): boolean {
  try {
    const tokens = singleStatement(tokenize(sql, { spaces: false }), sql);
    return isBoundedTranslation({ sql, tokens });
  } catch {
    return true; // a second statement: refused before it runs
  }
}

/** isBoundedStatement on a statement already tokenized (by toSqlite: its `tokens`). */
export function isBoundedTranslation({ sql, tokens }: { sql: string; tokens: Token[] }): boolean {
  if (sql.length > boundedStatementMaxChars) return false;
  if (!leadingWords.has(lower(tokens[0]) ?? "")) return false;
  let selects = 0;
  let froms = 0;
  let calls = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const word = lower(t);
    const next = tokens[i + 1];
    if (word && unboundedWords.has(word)) return false;
    // `||` is OR in MySQL but concatenation once in SQLite: a growth no function limit sees
    if (t.type === "punct" && (t.text === "|" || t.text === ";")) return false;
    if (word === "select" && ++selects > 1) return false;
    if (word === "from") {
      if (++froms > 1 || !singleTable(tokens, i + 1)) return false;
    }
    if (word === "update" && i === 0 && !singleTable(tokens, 1, "set")) return false;
    if (word === "like" && !shortLiteralPattern(tokens, i + 1)) return false;
    if (next?.type === "punct" && next.text === "(" && !opensGroup(tokens, i)) {
      if (!(word && linearFunctions.has(word))) return false;
      if (++calls > maxFunctionCalls) return false;
    }
  }
  return true;
}

/** tokens[i] is one table, optionally aliased, followed by the end or by `then`. */
function singleTable(tokens: Token[], i: number, then?: string): boolean {
  if (!isName(tokens[i])) return false;
  let j = i + 1;
  if (lower(tokens[j]) === "as") j++;
  if (lower(tokens[j]) !== then && isName(tokens[j])) j++;
  const next = tokens[j];
  if (then) return lower(next) === then;
  return next === undefined || afterTable.has(lower(next) ?? "");
}

function shortLiteralPattern(tokens: Token[], i: number): boolean {
  const pattern = tokens[i];
  if (pattern?.type !== "string" || !pattern.text.startsWith("'")) return false;
  if (pattern.value.length > maxPatternChars) return false;
  if ((pattern.value.match(/%/g)?.length ?? 0) > maxPatternWildcards) return false;
  const next = tokens[i + 1];
  return next === undefined || afterPattern.has(lower(next) ?? next.text);
}

/** Whether the "(" after tokens[i] opens a list or group (VALUES (…), IN (…), INTO t (…)). */
function opensGroup(tokens: Token[], i: number): boolean {
  const t = tokens[i] as Token;
  if (t.type === "word" && groupingWords.has(t.text.toLowerCase())) return true;
  if (t.type === "op" || (t.type === "punct" && t.text !== ")")) return true;
  // INSERT INTO t (a, b): the table's column list; CAST(x AS CHAR(20)): the type's size
  const before = lower(tokens[i - 1]);
  return (before === "into" && isName(t)) || (before === "as" && t.type === "word");
}
