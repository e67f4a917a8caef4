// An offline Wikipedia for the question-answering envs (hotpotqa, rewoo): pages built from HotpotQA's
// context paragraphs (or a Wikipedia abstracts dump), a search that imitates `wikipedia.page(term)`
// with auto-suggest, and langchain's DocstoreExplorer (Search + paragraph-level Lookup) over it, with
// the original observation texts.
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import MiniSearch from "minisearch";
import { z } from "zod";
import { InputError, readRecords } from "../../core/index.js";
import { pythonStrRepr } from "./python-repr.js";

export interface WikiPage {
  title: string;
  /** The page's paragraphs; content = paragraphs joined by "\n\n", as the Wikipedia extract splits. */
  paragraphs: string[];
}

/** Titles compare as Wikipedia resolves them: case, underscores and runs of spaces do not matter. */
export const normalizeTitle = (title: string): string =>
  title.normalize("NFC").replaceAll("_", " ").replace(/\s+/g, " ").trim().toLowerCase();

/** wikipedia.search returns at most this many titles ("Similar: [...]"). */
export const similarTitles = 10;

export class OfflineWiki {
  private readonly pages: WikiPage[] = [];
  private readonly byTitle = new Map<string, number>();
  private index: MiniSearch<{ id: number; title: string; text: string }> | undefined;

  get size(): number {
    return this.pages.length;
  }

  /** Adds a page; a title already present keeps its first page (HotpotQA repeats titles across questions). */
  add(page: WikiPage): void {
    const key = normalizeTitle(page.title);
    if (!key || this.byTitle.has(key)) return;
    this.byTitle.set(key, this.pages.length);
    this.pages.push(page);
    this.index = undefined;
  }

  private searchIndex() {
    if (!this.index) {
      // BM25 over titles and text, titles weighted up as Wikipedia's search weighs them; small typos
      // still find their page, as the search's spelling suggestion does
      this.index = new MiniSearch({ fields: ["title", "text"], storeFields: [] });
      this.index.addAll(this.pages.map((p, id) => ({ id, title: p.title, text: p.paragraphs.join(" ") })));
    }
    return this.index;
  }

  /** wikipedia.search(term): the best-ranked titles, at most `limit`. */
  search(term: string, limit = similarTitles): string[] {
    if (this.pages.length === 0) return [];
    const hits = this.searchIndex().search(term, { boost: { title: 4 }, fuzzy: 0.2, prefix: false });
    return hits.slice(0, limit).map((hit) => (this.pages[hit.id as number] as WikiPage).title);
  }

  /**
   * wikipedia.page(term) with auto_suggest: the page of that title (case and spacing aside), else the
   * search's top hit; undefined where Wikipedia raises PageError.
   */
  page(term: string): WikiPage | undefined {
    const key = normalizeTitle(term);
    const exact = this.byTitle.get(key);
    if (exact !== undefined) return this.pages[exact];
    // Wikipedia answers a name that several pages share ("Mercury" → "Mercury (planet)", "Mercury
    // (element)") with a disambiguation page, which wikipedia.page raises on
    if (this.qualifiedTitles(key) >= 2) return undefined;
    const [top] = this.search(term, 1);
    return top === undefined ? undefined : this.pages[this.byTitle.get(normalizeTitle(top)) as number];
  }

  /** How many titles are `key` with a parenthetical qualifier, e.g. "mercury (planet)". */
  private qualifiedTitles(key: string): number {
    return this.qualified(key).length;
  }

  private qualified(key: string): string[] {
    const titles: string[] = [];
    for (const [title, i] of this.byTitle)
      if (title.startsWith(`${key} (`) && title.endsWith(")")) titles.push((this.pages[i] as WikiPage).title);
    return titles;
  }

  /**
   * The "Similar: [...]" titles of a term that found no page: a disambiguation's pages first (as
   * Wikipedia's search ranks them), then the search's best hits, ten at most.
   */
  similar(term: string): string[] {
    const titles = [...this.qualified(normalizeTitle(term)), ...this.search(term)];
    return [...new Set(titles)].slice(0, similarTitles);
  }

  /** Pages from HotpotQA records in the distractor format: `context` = [[title, [sentences]], …]. */
  addHotpotContext(context: HotpotContext): void {
    for (const [title, sentences] of contextPairs(context)) {
      // HotpotQA keeps each sentence's leading space, so joining without a separator gives the text
      this.add({ title, paragraphs: [sentences.join("")] });
    }
  }

  /**
   * Streams a Wikipedia abstracts dump as HotpotQA distributes it: one JSON object per line with a
   * `title` and `text` (a string, a list of sentences, or a list of paragraphs of sentences) or
   * `paragraphs` (a list of strings).
   */
  async addAbstractsDump(file: string): Promise<number> {
    const lines = createInterface({
      input: createReadStream(file, { encoding: "utf8" }),
      crlfDelay: Infinity,
    });
    let n = 0;
    let added = 0;
    try {
      for await (const line of lines) {
        n++;
        if (!line.trim()) continue;
        let record: { title?: unknown; text?: unknown; paragraphs?: unknown };
        try {
          record = JSON.parse(line);
        } catch (error) {
          throw new InputError(`${file}:${n}: invalid JSON: ${(error as Error).message}`);
        }
        const paragraphs = abstractParagraphs(record);
        if (typeof record.title !== "string" || !paragraphs)
          throw new InputError(
            `${file}:${n}: expected {title: string, text: string | string[] | string[][]} or {title, paragraphs: string[]}`,
          );
        const before = this.size;
        this.add({ title: record.title, paragraphs });
        added += this.size - before;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(`${file}: file not found`);
      throw error;
    }
    return added;
  }
}

/** HotpotQA's `context`: [[title, [sentences]]] (the JSON files) or {title: [], sentences: [[]]} (HF). */
export type HotpotContext =
  | readonly (readonly [string, readonly string[]])[]
  | { readonly title: readonly string[]; readonly sentences: readonly (readonly string[])[] };

export function contextPairs(context: HotpotContext): [string, readonly string[]][] {
  if (Array.isArray(context)) return context.map(([title, sentences]) => [title, sentences]);
  const { title, sentences } = context as Exclude<HotpotContext, readonly unknown[]>;
  return title.map((t, i) => [t, sentences[i] ?? []]);
}

function abstractParagraphs(record: { text?: unknown; paragraphs?: unknown }): string[] | undefined {
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
  if (isStrings(record.paragraphs)) return record.paragraphs;
  const { text } = record;
  if (typeof text === "string") return text.split("\n\n");
  if (isStrings(text)) return [text.join("")];
  if (Array.isArray(text) && text.every(isStrings)) return text.map((p) => p.join(""));
  return undefined;
}

/** Lookup without a current page: langchain raises ValueError, which the agent turns into a text. */
export class NoPageError extends Error {}

/**
 * langchain's DocstoreExplorer over the offline wiki: Search sets (or clears) the current page and
 * returns its first paragraph; Lookup walks the paragraphs that contain a keyword, case-insensitively,
 * one match per repeated call. The lookup keyword survives a new Search, as in langchain.
 */
export class WikiExplorer {
  private page: WikiPage | undefined;
  private lookupKeyword = "";
  private lookupIndex = 0;

  constructor(private readonly wiki: OfflineWiki) {}

  search(term: string): string {
    const page = this.wiki.page(term);
    if (!page) {
      this.page = undefined;
      const similar = this.wiki.similar(term);
      return `Could not find [${term}]. Similar: [${similar.map(pythonStrRepr).join(", ")}]`;
    }
    this.page = page;
    return page.paragraphs[0] ?? "";
  }

  /** The current page's whole text (ReWOO's Wikipedia worker keeps newlines). */
  get content(): string | undefined {
    return this.page?.paragraphs.join("\n\n");
  }

  lookup(keyword: string): string {
    if (!this.page) throw new NoPageError("Cannot lookup without a successful search first");
    const lower = keyword.toLowerCase();
    if (lower !== this.lookupKeyword) {
      this.lookupKeyword = lower;
      this.lookupIndex = 0;
    } else this.lookupIndex++;
    const matches = this.page.paragraphs.filter((p) => p.toLowerCase().includes(this.lookupKeyword));
    if (matches.length === 0) return "No Results";
    if (this.lookupIndex >= matches.length) return "No More Results";
    return `(Result ${this.lookupIndex + 1}/${matches.length}) ${matches[this.lookupIndex]}`;
  }
}

const contextSchema = z.union([
  z.array(z.tuple([z.string(), z.array(z.string())])),
  z.object({ title: z.array(z.string()), sentences: z.array(z.array(z.string())) }),
]);
const contextRecordSchema = z.object({ context: contextSchema }).passthrough();
/** A question record that may carry pages (ReWOO's GSM8K and TriviaQA questions carry none). */
const questionRecordSchema = z.object({ context: contextSchema.optional() }).passthrough();

/**
 * The offline wiki of a run, built before its first episode so that every episode searches the same
 * pages. `corpus` files must hold pages: HotpotQA files (every record's context; JSON array or JSONL)
 * or Wikipedia abstracts dumps (one {title, text} per line), told apart by their first record. The
 * run's `taskFiles` add the pages their records carry; a record without `context` adds none.
 */
export async function buildWiki(
  corpus: readonly string[],
  { taskFiles = [] }: { taskFiles?: readonly string[] } = {},
): Promise<OfflineWiki> {
  const wiki = new OfflineWiki();
  for (const file of taskFiles.flatMap((file) => questionFiles(file)))
    for (const { value } of await readRecords(file, questionRecordSchema))
      if (value.context) wiki.addHotpotContext(value.context);
  for (const file of corpus.flatMap((file) => questionFiles(file))) {
    if (!existsSync(file)) throw new InputError(`--corpus ${file}: file not found`);
    try {
      for (const { value } of await readRecords(file, contextRecordSchema))
        wiki.addHotpotContext(value.context);
    } catch (error) {
      if (!InputError.isInstance(error)) throw error;
      try {
        await wiki.addAbstractsDump(file);
      } catch (dumpError) {
        if (!InputError.isInstance(dumpError)) throw dumpError;
        throw new InputError(`${error.message} (and not an abstracts dump either: ${dumpError.message})`);
      }
    }
  }
  if (corpus.length > 0 && wiki.size === 0)
    throw new InputError(
      `the offline wiki is empty: ${corpus.join(", ")} hold no pages (HotpotQA context or abstracts)`,
    );
  return wiki;
}

const levelOrder = ["easy", "medium", "hard"];

/**
 * A question file, or every question file of a folder (.json/.jsonl unless `pattern` says more):
 * HotpotQA's levels in AgentTuning's order (easy, medium, hard), then the rest by name, then the
 * `nested` paths (relative to the folder) that exist.
 */
export function questionFiles(
  path: string,
  { pattern = /\.jsonl?$/, kinds = ".json or .jsonl", nested = [] }: QuestionFileOptions = {},
): string[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path]; // the reader names the missing file
  }
  if (!isDir) return [path];
  const rank = (name: string) => {
    const level = levelOrder.findIndex((l) => name.toLowerCase().includes(l));
    return level < 0 ? levelOrder.length : level;
  };
  const files = readdirSync(path)
    .filter((name) => pattern.test(name))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => join(path, name));
  files.push(...nested.map((name) => join(path, name)).filter((file) => existsSync(file)));
  if (files.length === 0) throw new InputError(`${path}: a folder with no ${kinds} question files`);
  return files;
}

export interface QuestionFileOptions {
  /** The file names a folder's question files have. */
  pattern?: RegExp;
  /** Those names in words, for the error of a folder without any. */
  kinds?: string;
  /** Files in subfolders to add where they exist (ReWOO's data/ layout). */
  nested?: readonly string[];
}
