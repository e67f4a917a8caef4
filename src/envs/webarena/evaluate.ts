// WebArena's evaluators (evaluation_harness/evaluators.py), multiplied as EvaluatorComb does:
// string_match on the stop answer (exact_match, must_include, fuzzy_match by a judge model),
// url_match on the final URL, program_html on page contents. A check WebArena runs through its site
// helpers (func:…) cannot run here and raises: the task is then left out of the average, as a crash is
// in WebArena.
import type { Page } from "playwright-core";
import type { ChatModel } from "../../models/index.js";
import type { WebarenaTask } from "./tasks.js";

/** Thrown for a check agenttune cannot run; the episode is recorded as crashed. */
export class EvaluationError extends Error {}

/** StringEvaluator.clean_answer: outer quotes off, lower-cased. */
export function cleanAnswer(answer: string): string {
  let out = answer;
  if (out.length >= 2 && out.startsWith("'") && out.endsWith("'")) out = out.slice(1, -1);
  else if (out.length >= 2 && out.startsWith('"') && out.endsWith('"')) out = out.slice(1, -1);
  return out.toLowerCase();
}

/** llm_fuzzy_match's request (gpt-3.5-turbo, temperature 0, 16 tokens); "Yes" in the reply passes. */
export function fuzzyMatchMessages(pred: string, reference: string) {
  return [
    { role: "system" as const, content: "You are a helpful assistant" },
    {
      role: "user" as const,
      content: `Given the statement "${pred}", would it be correct to infer "${reference}"? Yes or No`,
    },
  ];
}

export async function stringMatch(task: WebarenaTask, answer: string, judge?: ChatModel): Promise<number> {
  const pred = cleanAnswer(answer);
  let score = 1;
  for (const [approach, value] of Object.entries(task.eval.reference_answers ?? {})) {
    if (approach === "exact_match") score *= pred === cleanAnswer(String(value)) ? 1 : 0;
    else if (approach === "must_include")
      for (const must of value as string[]) score *= pred.includes(cleanAnswer(must)) ? 1 : 0;
    else if (approach === "fuzzy_match") {
      // WebArena asserts a list; "N/A" tasks fail that assert, a crash it leaves out
      if (!Array.isArray(value))
        throw new EvaluationError(`fuzzy_match reference is ${JSON.stringify(value)}, not a list`);
      for (const reference of value as string[]) {
        if (!judge) throw new EvaluationError("fuzzy_match needs a judge model (--judge)");
        const reply = await judge.complete(fuzzyMatchMessages(pred, reference), {
          maxTokens: 16,
          temperature: 0,
        });
        score *= reply.text.includes("Yes") ? 1 : 0;
      }
    }
  }
  return score;
}

/** URLExactEvaluator: the final URL without a trailing "/", EXACT or "GOLD in PRED". */
export function urlMatch(task: WebarenaTask, url: string): number {
  const clean = (u: string) => (u.endsWith("/") ? u.slice(0, -1) : u);
  const pred = clean(url);
  const refs = (task.eval.reference_url ?? "").split(" |OR| ").map(clean);
  const rule = task.eval.url_note ?? "EXACT";
  if (rule === "EXACT") return refs.includes(pred) ? 1 : 0;
  if (rule === "GOLD in PRED") return refs.some((ref) => pred.includes(ref)) ? 1 : 0;
  throw new EvaluationError(`Unknown matching rule: ${rule}`);
}

/** HTMLContentExactEvaluator: each target's contents must hold one of its " |OR| " alternatives. */
export async function programHtml(task: WebarenaTask, page: Page, settleMs = 3000): Promise<number> {
  const clean = (text: string) => text.trim().toLowerCase();
  let score = 1;
  for (const target of task.eval.program_html ?? []) {
    if (target.url.startsWith("func"))
      throw new EvaluationError(`program_html url ${target.url}: WebArena's site helpers are not available`);
    if (target.url !== "last") {
      await page.goto(target.url);
      // WebArena sleeps 3 s here; the page's load is waited for instead, at most that long
      await page.waitForLoadState("networkidle", { timeout: settleMs }).catch(() => {});
    }
    let selected: string;
    const locator = target.locator;
    if (!locator.trim()) selected = await page.content();
    else if (locator.startsWith("document.")) {
      try {
        const value = await page.evaluate(`(() => ${locator})()`);
        selected = value ? String(value) : "";
      } catch {
        selected = "";
      }
    } else if (locator.startsWith("func:"))
      throw new EvaluationError(`program_html locator ${locator}: WebArena's site helpers are not available`);
    else throw new EvaluationError(`Unknown locator: ${locator}`);
    const alternatives = target.required_contents.split(" |OR| ").map(clean);
    const content = clean(selected);
    score *= alternatives.some((alternative) => content.includes(alternative)) ? 1 : 0;
  }
  return score;
}

/** evaluator_router + EvaluatorComb: the product of the task's evaluators. */
export async function evaluateTask(
  task: WebarenaTask,
  { answer, page, judge }: { answer: string; page: Page; judge?: ChatModel },
): Promise<{ score: number; parts: Record<string, number> }> {
  const parts: Record<string, number> = {};
  for (const type of task.eval.eval_types) {
    if (type === "string_match") parts[type] = await stringMatch(task, answer, judge);
    else if (type === "url_match") parts[type] = urlMatch(task, page.url());
    else parts[type] = await programHtml(task, page);
  }
  return { score: Object.values(parts).reduce((a, b) => a * b, 1), parts };
}
