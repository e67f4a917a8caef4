// Renders query results exactly as AgentBench showed them: Python's str() of the connector's fetchall().
import { pythonStrRepr } from "../lib/python-repr.js";

export { pythonStrRepr };

/** A result cell with the type the MySQL connector would have produced. */
export type Cell =
  | null
  | { kind: "int"; text: string }
  | { kind: "float"; value: number }
  | { kind: "decimal"; text: string }
  | { kind: "str"; value: string };

export function formatRows(rows: readonly (readonly Cell[])[]): string {
  return `[${rows.map(formatTuple).join(", ")}]`;
}

function formatTuple(row: readonly Cell[]): string {
  const items = row.map(formatCell);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

export function formatCell(cell: Cell): string {
  if (cell === null) return "None";
  switch (cell.kind) {
    case "int":
      return cell.text;
    case "float":
      return pythonFloatRepr(cell.value);
    case "decimal":
      return `Decimal('${cell.text}')`;
    case "str":
      return pythonStrRepr(cell.value);
  }
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exp = "0"] = value.toExponential().split("e");
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const text = value.toFixed(Math.max(0, (mantissa.split(".")[1]?.length ?? 0) - exponent));
  return text.includes(".") ? text : `${text}.0`;
}
