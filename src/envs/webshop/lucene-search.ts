// WebShop's search engine as its scripts build it (search_engine/convert_product_file_format.py and
// run_indexing.sh; engine.py get_top_n_product_from_keywords): one Lucene field per product holding
// title, description, first bullet point and options, lower-cased; Pyserini's English analyzer
// (possessives, stop words, Porter stems); BM25 with k1 = 0.9, b = 0.4 and Lucene's one-byte document
// lengths; the top 50, ties in index order. minisearch cannot count lengths as Lucene does (it uses
// unique terms), so this small index scores as Lucene's BM25Similarity does instead.
import { stemmer } from "stemmer";
import type { Product } from "./catalog.js";

/** Lucene's EnglishAnalyzer stop words (ENGLISH_STOP_WORDS_SET). */
const stopWords = new Set(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
);

// StandardTokenizer's words (UAX #29), closely enough for product text: runs of letters, digits and
// marks, joined by "." or an apostrophe, by ":" between letters, by "," or ";" between digits; each
// Han or Hiragana character a word of its own
const word = String.raw`(?:(?![\p{Script=Han}\p{Script=Hiragana}])[\p{L}\p{N}\p{M}_])`;
const joiner = String.raw`(?:[.'’]|(?<=\p{L}):(?=\p{L})|(?<=\p{N})[,;](?=\p{N}))`;
const tokenPattern = new RegExp(
  String.raw`[\p{Script=Han}\p{Script=Hiragana}]|${word}+(?:${joiner}${word}+)*`,
  "gu",
);

/** The analyzer: tokens, possessive 's dropped, lower case, stop words out, Porter stems. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const [token] of text.matchAll(tokenPattern)) {
    const word = token.replace(/['’][sS]$/, "").toLowerCase();
    if (word === "" || stopWords.has(word)) continue;
    terms.push(stemmer(word));
  }
  return terms;
}

/** The text WebShop indexes for a product (convert_product_file_format.py). */
export function productContents(product: Product): string {
  const options = Object.entries(product.options)
    .map(([name, values]) => `${name}: ${values.join(", ")}`)
    .join(", and ");
  return [product.name, product.description, product.bullet_points[0] ?? "", options].join(" ").toLowerCase();
}

// Lucene's SmallFloat.intToByte4 / byte4ToInt: lengths below 24 exact, then 3 bits of mantissa
const freeValues = 24;
function longToInt4(i: number): number {
  const bits = 32 - Math.clz32(i);
  if (bits < 4) return i;
  const shift = bits - 4;
  return ((i >>> shift) & 0x07) | ((shift + 1) << 3);
}
function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}
/** A document length as Lucene's norm stores and reads it back. */
export function luceneLength(length: number): number {
  if (length < freeValues) return length;
  return freeValues + int4ToLong(longToInt4(length - freeValues));
}

// Pyserini's BM25 defaults; Lucene computes in 32-bit floats, so every step is rounded as there
const f = Math.fround;
const k1 = f(0.9);
const b = f(0.4);

/** BM25Similarity's 1 / (k1 · ((1 − b) + b · length / avgdl)) for a stored length. */
function normInverse(length: number, averageLength: number): number {
  return f(1 / f(k1 * f(f(1 - b) + f(f(b * length) / averageLength))));
}

export class LuceneIndex {
  private readonly postings = new Map<string, { doc: number; freq: number }[]>();
  private readonly lengths: number[] = [];
  private readonly averageLength: number;

  constructor(documents: readonly string[]) {
    let total = 0;
    documents.forEach((text, doc) => {
      const terms = analyze(text);
      total += terms.length;
      this.lengths.push(luceneLength(terms.length));
      const freqs = new Map<string, number>();
      for (const t of terms) freqs.set(t, (freqs.get(t) ?? 0) + 1);
      for (const [term, freq] of freqs) {
        const list = this.postings.get(term) ?? [];
        list.push({ doc, freq });
        this.postings.set(term, list);
      }
    });
    this.averageLength = f(documents.length ? total / documents.length : 0);
  }

  /** Document numbers of the best `k` matches of any query term, by BM25, ties in index order. */
  search(query: string, k = 50): number[] {
    const counts = new Map<string, number>();
    for (const t of analyze(query)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const scores = new Map<number, number>();
    const documents = this.lengths.length;
    for (const [term, count] of counts) {
      const list = this.postings.get(term);
      if (!list) continue;
      // Pyserini's bag-of-words query: a repeated term is one clause boosted by its count
      const idf = f(Math.log(1 + (documents - list.length + 0.5) / (list.length + 0.5)));
      const weight = f(count * idf);
      for (const { doc, freq } of list) {
        // weight − weight / (1 + freq · normInverse): Lucene's form of weight · freq / (freq + norm)
        const inverse = normInverse(this.lengths[doc] as number, this.averageLength);
        const score = f(weight - f(weight / f(1 + f(freq * inverse))));
        scores.set(doc, (scores.get(doc) ?? 0) + score);
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ doc, score: f(score) }))
      .sort((x, y) => y.score - x.score || x.doc - y.doc)
      .slice(0, k)
      .map((r) => r.doc);
  }
}
