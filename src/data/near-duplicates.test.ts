import { describe, expect, it } from "vitest";
import { NearDuplicateIndex, normalizeText, wordNgrams } from "./near-duplicates.js";

describe("NearDuplicateIndex", () => {
  it("drops exact duplicates after normalization", () => {
    const index = new NearDuplicateIndex();
    expect(index.add("How many huts are in the Alps?").kind).toBe("new");
    expect(index.add("  how MANY huts are in the alps ")).toEqual({
      kind: "duplicate",
      of: 0,
      similarity: 1,
    });
  });

  it("drops texts whose n-gram Jaccard similarity reaches the threshold, keeps the rest", () => {
    const index = new NearDuplicateIndex({ n: 2, threshold: 0.6 });
    index.add("what is the warden of the hut kestrel mesa in the alps");
    // 11 distinct bigrams each, 9 shared: Jaccard 9 / 13
    const near = index.add("what is the warden of the hut kestrel peak in the alps");
    expect(near.kind).toBe("near-duplicate");
    expect(near.kind !== "new" && near.similarity).toBeCloseTo(9 / 13);
    expect(index.add("which rider has the most stage wins").kind).toBe("new");
  });

  it("normalizes punctuation, case and width", () => {
    expect(normalizeText("Ａbc,  DEF!")).toBe("abc def");
    expect([...wordNgrams("a b c d", 3)]).toEqual(["a b c", "b c d"]);
    expect([...wordNgrams("a b", 3)]).toEqual(["a b"]);
  });
});
