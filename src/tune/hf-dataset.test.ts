import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// a second Arrow implementation (not apache-arrow, which writes the files) reads them back
import { Type, tableFromIPC } from "@uwdata/flechette";
import { describe, expect, it } from "vitest";
import { readHfDatasetDict, writeHfDatasetDict } from "./hf-dataset.js";

const dir = mkdtempSync(join(tmpdir(), "hf-dataset-"));
const rows = Array.from({ length: 2345 }, (_, i) => ({
  input_ids: [1, 100 + (i % 7), i, 2],
  attention_mask: [1, 1, 1, 1],
  labels: [-100, -100, i, 2],
}));

describe("Hugging Face datasets folder (save_to_disk layout)", () => {
  it("writes a DatasetDict that an independent Arrow reader reads back row for row", () => {
    const out = join(dir, "dd");
    writeHfDatasetDict(out, { train: rows, validation: rows.slice(0, 3) });
    // dataset_dict.py: load_from_disk reads the split names from dataset_dict.json
    expect(JSON.parse(readFileSync(join(out, "dataset_dict.json"), "utf8"))).toEqual({
      splits: ["train", "validation"],
    });
    const state = JSON.parse(readFileSync(join(out, "train", "state.json"), "utf8"));
    expect(state).toMatchObject({
      _data_files: [{ filename: "data-00000-of-00001.arrow" }],
      _format_type: null,
      _split: null,
    });
    expect(state._fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const info = JSON.parse(readFileSync(join(out, "train", "dataset_info.json"), "utf8"));
    expect(info.features.labels).toEqual({ feature: { dtype: "int32", _type: "Value" }, _type: "Sequence" });

    const bytes = readFileSync(join(out, "train", "data-00000-of-00001.arrow"));
    // datasets memory-maps the file as an IPC *stream* (table.py: pa.ipc.open_stream): it starts with a
    // continuation marker and a schema message, not the "ARROW1" magic of the IPC file format
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(bytes.subarray(0, 6).toString("latin1")).not.toBe("ARROW1");
    const table = tableFromIPC(bytes);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["input_ids", "attention_mask", "labels"]);
    for (const field of table.schema.fields) {
      expect(field.type.typeId).toBe(Type.List);
      const child = (field.type as { children: { type: { typeId: number; bitWidth: number } }[] })
        .children[0];
      expect(child?.type).toMatchObject({ typeId: Type.Int, bitWidth: 32 });
    }
    expect(table.schema.metadata?.get("huggingface")).toContain('"_type":"Sequence"');
    expect(table.numRows).toBe(rows.length);
    // datasets writes 1,000 rows per record batch; so do we
    expect(table.children[0]?.data.length).toBe(3);
    const back = table.toArray().map((r) => ({
      input_ids: Array.from(r.input_ids as Int32Array),
      attention_mask: Array.from(r.attention_mask as Int32Array),
      labels: Array.from(r.labels as Int32Array),
    }));
    expect(back).toEqual(rows);
    expect(readHfDatasetDict(out)).toEqual({ train: rows, validation: rows.slice(0, 3) });
  });

  it("replaces an existing folder whole and writes an empty split as a readable empty table", () => {
    const out = join(dir, "replace");
    writeHfDatasetDict(out, { train: rows.slice(0, 5), extra: rows.slice(0, 1) });
    writeHfDatasetDict(out, { train: [] });
    expect(existsSync(join(out, "extra"))).toBe(false);
    expect(tableFromIPC(readFileSync(join(out, "train", "data-00000-of-00001.arrow"))).numRows).toBe(0);
    expect(readHfDatasetDict(out)).toEqual({ train: [] });
  });

  it("names the file and what is wrong when a folder is not a tokenized dataset", () => {
    const out = join(dir, "broken");
    writeHfDatasetDict(out, { train: rows.slice(0, 2) });
    rmSync(join(out, "train", "data-00000-of-00001.arrow"));
    expect(() => readHfDatasetDict(out)).toThrow(
      /train\/data-00000-of-00001\.arrow: missing \(listed in state\.json\)/,
    );
    writeFileSync(join(out, "train", "data-00000-of-00001.arrow"), "not arrow");
    expect(() => readHfDatasetDict(out)).toThrow(/not an Arrow IPC stream/);
    writeFileSync(join(out, "train", "dataset_info.json"), JSON.stringify({ features: {} }));
    expect(() => readHfDatasetDict(out)).toThrow(
      /dataset_info\.json: features\.input_ids: expected a sequence/,
    );
    expect(() => readHfDatasetDict(join(dir, "nothing"))).toThrow(/dataset_dict\.json: missing/);
  });
});
