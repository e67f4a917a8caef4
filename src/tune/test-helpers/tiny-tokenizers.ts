// Small but real tokenizer.json files for tests: a byte-level BPE (GPT-2/Llama-3/Qwen style) and a
// SentencePiece-style BPE with byte fallback (Llama-2 style), both with chat special tokens.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const specials = [
  "<s>",
  "</s>",
  "<unk>",
  "<|im_start|>",
  "<|im_end|>",
  "<|begin_of_text|>",
  "<|start_header_id|>",
  "<|end_header_id|>",
  "<|eot_id|>",
];

/** GPT-2's reversible byte → printable character map. */
function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCharCode(printable.includes(b) ? b : 256 + extra++);
  return map;
}

const words = [
  "the",
  "table",
  "answer",
  "action",
  "operation",
  "select",
  "from",
  "where",
  "final",
  "hello",
  "world",
  "count",
  "you",
  "what",
  "is",
];

function addedTokens(start: number) {
  return specials.map((content, i) => ({
    id: start + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
}

export function byteLevelBpeTokenizer(): object {
  const alphabet = bytesToUnicode();
  const vocab: Record<string, number> = {};
  for (const ch of alphabet) vocab[ch] = Object.keys(vocab).length;
  const merges: string[] = [];
  // merge whole words, with and without the leading-space marker Ġ, letter by letter
  for (const word of words) {
    for (const form of [word, `Ġ${word}`]) {
      let current = form[0] as string;
      for (const ch of form.slice(1)) {
        const merged = current + ch;
        if (!(merged in vocab)) {
          merges.push(`${current} ${ch}`);
          vocab[merged] = Object.keys(vocab).length;
        }
        current = merged;
      }
    }
  }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens(Object.keys(vocab).length),
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

export function sentencePieceBpeTokenizer(): object {
  const vocab: Record<string, number> = { "<unk>": 0, "<s>": 1, "</s>": 2 };
  for (let b = 0; b < 256; b++)
    vocab[`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`] = Object.keys(vocab).length;
  const merges: string[] = [];
  for (const ch of "▁abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:[]\"'`*?")
    vocab[ch] = Object.keys(vocab).length;
  for (const word of words) {
    let current = "▁";
    for (const ch of word) {
      const merged = current + ch;
      if (!(merged in vocab)) {
        merges.push(`${current} ${ch}`);
        vocab[merged] = Object.keys(vocab).length;
      }
      current = merged;
    }
  }
  const added = addedTokens(0).map((t) => ({ ...t, id: vocab[t.content] ?? 0 }));
  let next = Object.keys(vocab).length;
  for (const t of added) if (!(t.content in vocab)) t.id = next++;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: "▁" },
        { type: "Replace", pattern: { String: " " }, content: "▁" },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges,
    },
  };
}

/** A model's own chat template as tokenizer_config.json ships it (Zephyr-like: role tags and </s>). */
export const roleTagChatTemplate =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

/** Writes tokenizer.json and tokenizer_config.json (with a chat template, if given) into `dir`. */
export function writeTokenizerDir(
  dir: string,
  tokenizer: object,
  config: Record<string, unknown> = {},
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tokenizer));
  writeFileSync(
    join(dir, "tokenizer_config.json"),
    JSON.stringify({ bos_token: "<s>", eos_token: "</s>", ...config }),
  );
  return dir;
}
