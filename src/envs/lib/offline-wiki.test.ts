import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NoPageError, OfflineWiki, WikiExplorer } from "./offline-wiki.js";

const dir = mkdtempSync(join(tmpdir(), "wiki-"));

function wiki(): OfflineWiki {
  const w = new OfflineWiki();
  w.addHotpotContext([
    ["Tagus Maritime Museum", ["The Tagus Maritime Museum is a museum.", " It is in Lisbon."]],
    ["Harbor at Dawn", ["Harbor at Dawn is a painting.", " It hangs in the Tagus Maritime Museum."]],
    ["Lisbon", ["Lisbon is the capital of Portugal."]],
  ]);
  // the Hugging Face layout of the same field
  w.addHotpotContext({ title: ["O'Brien's Harbor"], sentences: [["O'Brien's Harbor is a fishing port."]] });
  // a repeated title keeps its first page
  w.addHotpotContext([["Lisbon", ["Another text."]]]);
  w.add({
    title: "Rivers of Portugal",
    paragraphs: ["Portugal has many rivers.", "The Tagus is the longest river.", "The Douro flows to Porto."],
  });
  return w;
}

describe("offline wiki", () => {
  it("resolves a term as wikipedia.page with auto-suggest: the title (case and spacing aside), else the best hit", () => {
    const w = wiki();
    expect(w.size).toBe(5);
    expect(w.page("tagus_maritime  MUSEUM")?.title).toBe("Tagus Maritime Museum");
    expect(w.page("Lisbon")?.paragraphs).toEqual(["Lisbon is the capital of Portugal."]);
    // not a title: the search's top hit (titles weigh more than text), small typos included
    expect(w.page("Harbour at Dawn")?.title).toBe("Harbor at Dawn");
    expect(w.page("Lisbon capital city")?.title).toBe("Lisbon");
    expect(w.page("zzqx")).toBeUndefined();
  });

  it("Search returns the first paragraph, or the original 'Could not find' text with a Python list", () => {
    const explorer = new WikiExplorer(wiki());
    expect(explorer.search("Harbor at Dawn")).toBe(
      "Harbor at Dawn is a painting. It hangs in the Tagus Maritime Museum.",
    );
    expect(explorer.search("Rivers of Portugal")).toBe("Portugal has many rivers.");
    expect(explorer.search("zzqx")).toBe("Could not find [zzqx]. Similar: []");
    expect(new WikiExplorer(new OfflineWiki()).search("x")).toBe("Could not find [x]. Similar: []");
  });

  it("a name several pages share is a disambiguation: not found, with the similar titles in Python's repr", () => {
    const w = new OfflineWiki();
    w.add({ title: "Mercury (planet)", paragraphs: ["Mercury is the closest planet to the Sun."] });
    w.add({ title: "Mercury (element)", paragraphs: ["Mercury is a chemical element."] });
    w.add({ title: "Freddie Mercury's Piano", paragraphs: ["A piano that Mercury played."] });
    for (let i = 0; i < 12; i++) w.add({ title: `Mercury ${i}`, paragraphs: [`Mercury number ${i}.`] });
    const result = new WikiExplorer(w).search("Mercury");
    expect(result).toMatch(/^Could not find \[Mercury\]\. Similar: \[/);
    // ten titles at most, each in Python's repr: double quotes around one with an apostrophe
    const titles = result.slice(result.indexOf("[", 20)).match(/'[^']*'|"[^"]*"/g) ?? [];
    expect(titles).toHaveLength(10);
    expect(titles).toContain("'Mercury (planet)'");
    expect(w.search("Freddie Mercury piano")[0]).toBe("Freddie Mercury's Piano");
    const piano = new OfflineWiki();
    piano.add({ title: "Freddie Mercury's Piano (a)", paragraphs: ["A piano."] });
    piano.add({ title: "Freddie Mercury's Piano (b)", paragraphs: ["Another piano."] });
    expect(new WikiExplorer(piano).search("Freddie Mercury's Piano")).toBe(
      `Could not find [Freddie Mercury's Piano]. Similar: ["Freddie Mercury's Piano (a)", "Freddie Mercury's Piano (b)"]`,
    );
    // one qualified page is no disambiguation: the search goes to it
    w.add({ title: "Venus (planet)", paragraphs: ["Venus is the second planet."] });
    expect(new WikiExplorer(w).search("Venus")).toBe("Venus is the second planet.");
  });

  it("Lookup walks matching paragraphs case-insensitively, keeps its keyword across searches, and needs a page", () => {
    const explorer = new WikiExplorer(wiki());
    expect(() => explorer.lookup("river")).toThrow(NoPageError);
    explorer.search("Rivers of Portugal");
    expect(explorer.lookup("RIVER")).toBe("(Result 1/2) Portugal has many rivers.");
    expect(explorer.lookup("river")).toBe("(Result 2/2) The Tagus is the longest river.");
    expect(explorer.lookup("river")).toBe("No More Results");
    expect(explorer.lookup("volcano")).toBe("No Results");
    // langchain keeps the keyword and its position when a new page is searched
    explorer.search("Rivers of Portugal");
    expect(explorer.lookup("volcano")).toBe("No Results");
    explorer.search("zzqx");
    expect(() => explorer.lookup("river")).toThrow(NoPageError);
  });

  it("streams an abstracts dump (text as sentences, as paragraphs of sentences, or paragraphs) and names a bad line", async () => {
    const file = join(dir, "abstracts.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ id: "1", title: "Alpha", text: ["Alpha is a letter.", " It comes first."] }),
        JSON.stringify({ id: "2", title: "Beta", text: [["Beta is a letter."], ["It comes second."]] }),
        JSON.stringify({ title: "Gamma", paragraphs: ["Gamma is third.", "Also a ray."] }),
        "",
      ].join("\n"),
    );
    const w = new OfflineWiki();
    expect(await w.addAbstractsDump(file)).toBe(3);
    expect(w.page("alpha")?.paragraphs).toEqual(["Alpha is a letter. It comes first."]);
    expect(w.page("Beta")?.paragraphs).toEqual(["Beta is a letter.", "It comes second."]);
    const explorer = new WikiExplorer(w);
    explorer.search("Gamma");
    expect(explorer.lookup("ray")).toBe("(Result 1/1) Also a ray.");
    writeFileSync(file, `${JSON.stringify({ title: "A", text: "a" })}\n{"title": 3}\n`);
    await expect(new OfflineWiki().addAbstractsDump(file)).rejects.toThrow(
      /abstracts\.jsonl:2: expected \{title: string/,
    );
    await expect(new OfflineWiki().addAbstractsDump(join(dir, "none.jsonl"))).rejects.toThrow(
      /none\.jsonl: file not found/,
    );
  });
});
