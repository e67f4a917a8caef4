// WebShop's search against Lucene itself: the expected values below are the output of Lucene 8.7
// (Debian's liblucene8-java) indexing the same texts with EnglishAnalyzer and BM25Similarity(0.9, 0.4)
// and querying with Pyserini's bag-of-words query (a repeated term is one clause boosted by its
// count), pasted here. On the whole default catalog (5,000 products, 96 queries) the top-50 lists were
// identical in order.
import { describe, expect, it } from "vitest";
import { analyze, LuceneIndex, luceneLength, productContents } from "./lucene-search.js";
import { getDefaultShop } from "./spec.js";

describe("WebShop's Lucene search", () => {
  it("analyzes as EnglishAnalyzer: UAX #29 words, possessives, stop words, Porter stems", () => {
    const cases: [string, string][] = [
      ["1,000 items at $19.99 each; 3.4 fl oz/100 ml", "1,000 item 19.99 each 3.4 fl oz 100 ml"],
      [
        "e-mail me at john.doe@example.com or visit https://www.example.com/path?q=1",
        "e mail me john.do example.com visit http www.example.com path q 1",
      ],
      [
        "U.S.A. made, don't, rock'n'roll, it’s the kids' toys, James's hat",
        "u.s.a made don't rock'n'rol kid toi jame hat",
      ],
      [
        "a:b ratio 16:9, 10x20 inch, 5'11\", size: x-large, 2-pack, wi-fi",
        "a:b ratio 16 9 10x20 inch 5'11 size x larg 2 pack wi fi",
      ],
      ["Café crème brûlée naïve résumé 日本語 テスト", "café crème brûlée naïv résumé 日 本 語 テスト"],
      ["item#42 c++ c# .net node.js 3d-printed o'clock", "item 42 c c net node.j 3d print o'clock"],
      [
        "under_score word__word __init__ 1.5.2 v2.0.1 12.30pm",
        "under_scor word__word __init__ 1.5.2 v2.0.1 12.30pm",
      ],
    ];
    for (const [text, terms] of cases) expect(analyze(text).join(" "), text).toBe(terms);
  });

  it("reads document lengths back as Lucene's one-byte norms do (SmallFloat.intToByte4)", () => {
    expect([0, 23, 24, 31, 32, 40, 41, 100, 1000].map(luceneLength)).toEqual([
      0, 23, 24, 31, 32, 40, 40, 96, 984,
    ]);
  });

  it("ranks the first 300 catalog products as Lucene does (top 10 of six queries)", () => {
    const products = getDefaultShop().products.slice(0, 300);
    const index = new LuceneIndex(products.map(productContents));
    const queries: [string, number[]][] = [
      ["Arlo cooling soft sheet set", [7, 223, 175, 23, 15, 151, 199, 31, 231, 103]],
      ["Yew nonstick cast iron skillet", [123, 147, 227, 259, 131, 163, 235, 27, 195, 19]],
      ["men's slim-fit shirts shirts", [40, 152, 264, 128, 184, 0, 72, 96, 104, 16]],
      ["machine washable cotton navy x-large", [176, 192, 264, 64, 288, 112, 280, 96, 136, 160]],
      ["the a of", []],
      ["red red red mug", [289, 105, 23, 201, 249, 11, 40, 78, 191, 31]],
    ];
    expect(products[7]?.name).toBe("Arlo cooling soft sheet set");
    for (const [query, top] of queries) expect(index.search(query, 10), query).toEqual(top);
  });

  it("indexes what WebShop indexes: title, description, first bullet and options, lower-cased", () => {
    const [product] = getDefaultShop().products;
    if (!product) throw new Error("empty catalog");
    const contents = productContents({
      ...product,
      name: "Mug",
      description: "Big",
      bullet_points: ["First", "Second"],
      options: { color: ["Red", "blue"], size: ["L"] },
    });
    expect(contents).toBe("mug big first color: red, blue, and size: l");
  });
});
