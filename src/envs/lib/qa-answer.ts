// Answer scoring of the QA held-out tasks: HotpotQA as BOLAA computes it (agent_arch.py normalize_answer,
// f1_score, EM) and ReWOO (utils/Evaluator.py, the same rules):
// lowercase, drop punctuation, drop a/an/the, collapse spaces; yes/no/noanswer must match exactly.

import { pythonSplit } from "./python-string.js";

const punctuation = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

export function normalizeAnswer(text: string): string {
  const lower = text.toLowerCase();
  const noPunctuation = [...lower].filter((ch) => !punctuation.has(ch)).join("");
  // Python's \b is Unicode-aware: a letter such as "é" next to "a" is no boundary
  const noArticles = noPunctuation.replace(/(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu, " ");
  return pythonSplit(noArticles).join(" ");
}

export function exactMatch(prediction: string, gold: string): boolean {
  return normalizeAnswer(prediction) === normalizeAnswer(gold);
}

/** Token-multiset F1 between the normalized answers (0 when a yes/no/noanswer side differs). */
export function f1Score(prediction: string, gold: string): number {
  const p = normalizeAnswer(prediction);
  const g = normalizeAnswer(gold);
  const special = ["yes", "no", "noanswer"];
  if ((special.includes(p) || special.includes(g)) && p !== g) return 0;
  const predicted = p.split(" ").filter(Boolean);
  const expected = g.split(" ").filter(Boolean);
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      same++;
      counts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predicted.length;
  const recall = same / expected.length;
  return (2 * precision * recall) / (precision + recall);
}
