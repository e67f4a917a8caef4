// Writes tokenized examples as Parquet: input_ids, labels, attention_mask as LIST<INT32> columns.
import { mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import type { TokenizedExample } from "./tokenize.js";

const listColumn = (name: string) => [
  { name, repetition_type: "REQUIRED", num_children: 1, converted_type: "LIST" },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", type: "INT32", repetition_type: "REQUIRED" },
];

export function writeTokenizedParquet(file: string, examples: readonly TokenizedExample[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  parquetWriteFile({
    filename: tmp,
    columnData: [
      { name: "input_ids", data: examples.map((e) => e.input_ids) },
      { name: "labels", data: examples.map((e) => e.labels) },
      { name: "attention_mask", data: examples.map((e) => e.attention_mask) },
    ],
    schema: [
      { name: "root", num_children: 3 },
      ...listColumn("input_ids"),
      ...listColumn("labels"),
      ...listColumn("attention_mask"),
    ],
  } as Parameters<typeof parquetWriteFile>[0]);
  renameSync(tmp, file);
}
