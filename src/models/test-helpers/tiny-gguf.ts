// Writes a tiny llama-architecture GGUF (v3, F32, random weights) so the llama backend is tested for real.
import { writeFileSync } from "node:fs";

const GGUF_TYPE = { UINT32: 4, INT32: 5, FLOAT32: 6, STRING: 8, ARRAY: 9 } as const;
type Meta =
  | { type: "u32"; value: number }
  | { type: "f32"; value: number }
  | { type: "str"; value: string }
  | { type: "str[]"; value: string[] }
  | { type: "f32[]"; value: number[] }
  | { type: "i32[]"; value: number[] };

class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer) {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string) {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  pad(alignment: number) {
    const rest = this.length % alignment;
    if (rest) this.push(Buffer.alloc(alignment - rest));
  }
  bytes() {
    return Buffer.concat(this.chunks);
  }
}

export interface TinyGgufOptions {
  /** Leave out the 256 byte tokens (<0x00>…<0xFF>) that llama.cpp needs for an SPM vocabulary. */
  omitByteTokens?: boolean;
  seed?: number;
}

export function writeTinyGguf(path: string, { omitByteTokens = false, seed = 1 }: TinyGgufOptions = {}) {
  const nEmbd = 16;
  const nFf = 32;
  const words = [
    "▁",
    ..."abcdefghijklmnopqrstuvwxyz".split(""),
    "▁the",
    "▁Action",
    ":",
    "▁Answer",
    "▁SELECT",
    "\n",
  ];
  const bytes = omitByteTokens
    ? []
    : Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, "0")}>`);
  const tokens = ["<unk>", "<s>", "</s>", ...bytes, ...words];
  const types = [2, 3, 3, ...bytes.map(() => 6), ...words.map(() => 1)];
  const scores = tokens.map((_, i) => (i < 3 + bytes.length ? 0 : -i));
  const nVocab = tokens.length;

  const meta: [string, Meta][] = [
    ["general.architecture", { type: "str", value: "llama" }],
    ["general.name", { type: "str", value: "agenttune-tiny-test" }],
    ["llama.context_length", { type: "u32", value: 4096 }],
    ["llama.embedding_length", { type: "u32", value: nEmbd }],
    ["llama.block_count", { type: "u32", value: 1 }],
    ["llama.feed_forward_length", { type: "u32", value: nFf }],
    ["llama.attention.head_count", { type: "u32", value: 2 }],
    ["llama.attention.head_count_kv", { type: "u32", value: 2 }],
    ["llama.rope.dimension_count", { type: "u32", value: nEmbd / 2 }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["tokenizer.ggml.model", { type: "str", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "str[]", value: tokens }],
    ["tokenizer.ggml.scores", { type: "f32[]", value: scores }],
    ["tokenizer.ggml.token_type", { type: "i32[]", value: types }],
    ["tokenizer.ggml.unknown_token_id", { type: "u32", value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: 2 }],
  ];
  // dims innermost first, as GGUF stores them
  const tensors: [string, number[]][] = [
    ["token_embd.weight", [nEmbd, nVocab]],
    ["output_norm.weight", [nEmbd]],
    ["output.weight", [nEmbd, nVocab]],
    ["blk.0.attn_norm.weight", [nEmbd]],
    ["blk.0.attn_q.weight", [nEmbd, nEmbd]],
    ["blk.0.attn_k.weight", [nEmbd, nEmbd]],
    ["blk.0.attn_v.weight", [nEmbd, nEmbd]],
    ["blk.0.attn_output.weight", [nEmbd, nEmbd]],
    ["blk.0.ffn_norm.weight", [nEmbd]],
    ["blk.0.ffn_gate.weight", [nEmbd, nFf]],
    ["blk.0.ffn_up.weight", [nEmbd, nFf]],
    ["blk.0.ffn_down.weight", [nFf, nEmbd]],
  ];

  const w = new Writer();
  w.push(Buffer.from("GGUF"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [key, m] of meta) {
    w.str(key);
    if (m.type === "u32") {
      w.u32(GGUF_TYPE.UINT32);
      w.u32(m.value);
    } else if (m.type === "f32") {
      w.u32(GGUF_TYPE.FLOAT32);
      w.f32(m.value);
    } else if (m.type === "str") {
      w.u32(GGUF_TYPE.STRING);
      w.str(m.value);
    } else {
      w.u32(GGUF_TYPE.ARRAY);
      const [elementType, write] =
        m.type === "str[]"
          ? [GGUF_TYPE.STRING, (v: string | number) => w.str(v as string)]
          : m.type === "f32[]"
            ? [GGUF_TYPE.FLOAT32, (v: string | number) => w.f32(v as number)]
            : [GGUF_TYPE.INT32, (v: string | number) => w.i32(v as number)];
      w.u32(elementType);
      w.u64(m.value.length);
      for (const v of m.value) write(v);
    }
  }
  const alignment = 32;
  let offset = 0;
  const sizes = tensors.map(([, dims]) => dims.reduce((a, b) => a * b, 1) * 4);
  for (const [i, [name, dims]] of tensors.entries()) {
    w.str(name);
    w.u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(0); // F32
    w.u64(offset);
    offset += Math.ceil((sizes[i] ?? 0) / alignment) * alignment;
  }
  w.pad(alignment);
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  for (const [i, [name]] of tensors.entries()) {
    const n = (sizes[i] ?? 0) / 4;
    const data = Buffer.alloc(Math.ceil((sizes[i] ?? 0) / alignment) * alignment);
    for (let j = 0; j < n; j++) data.writeFloatLE(name.endsWith("norm.weight") ? 1 : random() * 0.5, j * 4);
    w.push(data);
  }
  writeFileSync(path, w.bytes());
}
