// ReWOO's SearchSOTU tool (nodes/Worker.py SearchDocWorker): langchain's VectorstoreIndexCreator over
// one text file, which splits it with RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0)
// and returns the chunk nearest the query. The split is langchain's; the nearness is BM25 here, since
// the original's OpenAI embeddings are not available offline.
import { readFileSync } from "node:fs";
import MiniSearch from "minisearch";
import { InputError } from "../../core/index.js";

const separators = ["\n\n", "\n", " ", ""];

/** _split_text_with_regex with keep_separator: each separator starts the piece after it. */
function splitKeeping(text: string, separator: string): string[] {
  if (separator === "") return [...text];
  const parts = text.split(separator);
  return [parts[0] as string, ...parts.slice(1).map((part) => separator + part)].filter((s) => s !== "");
}

/** TextSplitter._merge_splits with no overlap: pieces joined while the chunk stays within size. */
function mergeSplits(splits: readonly string[], chunkSize: number): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let total = 0;
  const flush = () => {
    const text = current.join("").trim();
    if (text) chunks.push(text);
  };
  for (const piece of splits) {
    if (total + piece.length > chunkSize && current.length > 0) {
      flush();
      current = [];
      total = 0;
    }
    current.push(piece);
    total += piece.length;
  }
  flush();
  return chunks;
}

/** RecursiveCharacterTextSplitter.split_text: paragraphs, then lines, words, characters. */
export function splitRecursive(
  text: string,
  chunkSize = 1000,
  seps: readonly string[] = separators,
): string[] {
  const index = seps.findIndex((s) => s === "" || text.includes(s));
  const separator = seps[index] ?? "";
  const finer = separator === "" ? [] : seps.slice(index + 1);
  const chunks: string[] = [];
  let good: string[] = [];
  for (const piece of splitKeeping(text, separator)) {
    if (piece.length < chunkSize) {
      good.push(piece);
      continue;
    }
    if (good.length > 0) chunks.push(...mergeSplits(good, chunkSize));
    good = [];
    if (finer.length === 0) chunks.push(piece);
    else chunks.push(...splitRecursive(piece, chunkSize, finer));
  }
  if (good.length > 0) chunks.push(...mergeSplits(good, chunkSize));
  return chunks;
}

/** One document's chunks, searched for the best one. */
export class DocumentIndex {
  private readonly index = new MiniSearch<{ id: number; text: string }>({
    fields: ["text"],
    storeFields: [],
  });

  constructor(readonly chunks: readonly string[]) {
    this.index.addAll(chunks.map((text, id) => ({ id, text })));
  }

  /** similarity_search(query, k=1)[0].page_content; the first chunk when no word of the query occurs. */
  search(query: string): string {
    const [best] = this.index.search(query, { fuzzy: false, prefix: false });
    return this.chunks[best ? (best.id as number) : 0] ?? "";
  }
}

/** The documents of a run, each read and indexed once. */
export class DocumentIndexes {
  private readonly byPath = new Map<string, DocumentIndex>();

  get(path: string): DocumentIndex {
    let index = this.byPath.get(path);
    if (!index) {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch {
        throw new InputError(`${path}: SearchSOTU's document cannot be read`);
      }
      index = new DocumentIndex(splitRecursive(text));
      this.byPath.set(path, index);
    }
    return index;
  }
}
