// Loads a model's tokenizer.json (+ tokenizer_config.json) with @huggingface/tokenizers.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { InputError } from "../core/index.js";

export interface TextTokenizer {
  /** Token ids of `text`; special tokens written in the text (e.g. "<|im_end|>") map to their ids. */
  encode(text: string): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
}

/** `path` is a model dir holding tokenizer.json, or the tokenizer.json file itself. */
export function loadTokenizer(path: string): TextTokenizer {
  const file = path.endsWith(".json") ? path : join(path, "tokenizer.json");
  if (!existsSync(file)) throw new InputError(`--tokenizer "${path}": ${file} not found`);
  const configFile = join(file, "..", "tokenizer_config.json");
  let json: object;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as object;
  } catch (error) {
    throw new InputError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, "utf8")) as object) : {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (error) {
    throw new InputError(`${file}: cannot load tokenizer: ${(error as Error).message}`);
  }
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    // no clean-up of spaces before punctuation (a display nicety of some configs): decode shows
    // exactly the text the tokens stand for
    decode: (ids, { skipSpecialTokens = false } = {}) =>
      tokenizer.decode([...ids], {
        skip_special_tokens: skipSpecialTokens,
        clean_up_tokenization_spaces: false,
      }),
  };
}
