// Drops duplicates and near-duplicates of texts: a normalized-text hash, then word n-gram Jaccard.
import { createHash } from "node:crypto";

export interface NearDuplicateOptions {
  /** Word n-gram size for Jaccard similarity. */
  n?: number;
  /** Texts at least this similar to a kept one are near-duplicates. */
  threshold?: number;
}

/** Lower-case, punctuation to spaces, whitespace collapsed. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function wordNgrams(text: string, n: number): Set<string> {
  const words = normalizeText(text).split(" ").filter(Boolean);
  const grams = new Set<string>();
  if (words.length < n) {
    if (words.length) grams.add(words.join(" "));
    return grams;
  }
  for (let i = 0; i + n <= words.length; i++) grams.add(words.slice(i, i + n).join(" "));
  return grams;
}

export type DuplicateVerdict =
  | { kind: "new" }
  | { kind: "duplicate" | "near-duplicate"; of: number; similarity: number };

/** Keeps an index of accepted texts; `check` says whether a new text repeats one of them. */
export class NearDuplicateIndex {
  private readonly hashes = new Map<string, number>();
  private readonly postings = new Map<string, number[]>();
  private readonly sizes: number[] = [];
  private readonly n: number;
  private readonly threshold: number;

  constructor({ n = 3, threshold = 0.9 }: NearDuplicateOptions = {}) {
    this.n = n;
    this.threshold = threshold;
  }

  /** Checks `text` and, when it is new, adds it. */
  add(text: string): DuplicateVerdict {
    const hash = createHash("sha1").update(normalizeText(text)).digest("hex");
    const same = this.hashes.get(hash);
    if (same !== undefined) return { kind: "duplicate", of: same, similarity: 1 };
    const grams = wordNgrams(text, this.n);
    const shared = new Map<number, number>();
    for (const gram of grams) {
      for (const id of this.postings.get(gram) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    }
    for (const [id, inter] of shared) {
      const similarity = inter / (grams.size + (this.sizes[id] ?? 0) - inter);
      if (similarity >= this.threshold) return { kind: "near-duplicate", of: id, similarity };
    }
    const id = this.sizes.length;
    this.sizes.push(grams.size);
    this.hashes.set(hash, id);
    for (const gram of grams) {
      const list = this.postings.get(gram);
      if (list) list.push(id);
      else this.postings.set(gram, [id]);
    }
    return { kind: "new" };
  }
}
