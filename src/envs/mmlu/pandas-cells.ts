// How pandas.read_csv types a column and how Python then prints its cells: eval_mmlu_hf.py reads each
// subject's CSV with pandas and formats cells into the prompt with f-strings, so a column of numbers
// prints as "3" (int64) or "3.0" (float64, when a cell is missing or fractional), and an empty or
// NA-like cell as "nan".
import { pythonFloatRepr } from "../lib/python-repr.js";

/** read_csv's default na_values. */
const naValues = new Set([
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
]);
const intPattern = /^[+-]?\d+$/;
const floatPattern = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity)$/i;
const trueValues = new Set(["True", "TRUE", "true"]);
const falseValues = new Set(["False", "FALSE", "false"]);

/** The cells of one column as str() prints them after read_csv's type inference. */
export function pandasColumnText(cells: readonly string[]): string[] {
  const present = cells.filter((c) => !naValues.has(c));
  const missing = present.length < cells.length;
  if (present.length === 0) return cells.map(() => "nan");
  if (present.every((c) => intPattern.test(c)) && !missing) return cells.map((c) => BigInt(c).toString());
  if (present.every((c) => floatPattern.test(c)))
    return cells.map((c) => (naValues.has(c) ? "nan" : pythonFloatRepr(parseFloatCell(c))));
  if (present.every((c) => trueValues.has(c) || falseValues.has(c)))
    return cells.map((c) => (naValues.has(c) ? "nan" : trueValues.has(c) ? "True" : "False"));
  return cells.map((c) => (naValues.has(c) ? "nan" : c));
}

function parseFloatCell(cell: string): number {
  if (/^[+-]?inf(inity)?$/i.test(cell)) return cell.startsWith("-") ? -Infinity : Infinity;
  return Number(cell);
}
