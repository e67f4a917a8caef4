// Mind2Web's JSON (tasks with confirmed_task, website, domain, actions with cleaned_html, pos/neg
// candidates, operation {op, value}, action_reprs), and the per-step problems agenttune runs: each
// step is its own multiple-choice problem with the previous actions as context.
import { z } from "zod";
import { InputError, readRecords } from "../../core/index.js";
import { PythonRandom } from "../lib/python-random.js";

const candidateSchema = z
  .object({
    tag: z.string(),
    /** A JSON string of the element's attributes, as Mind2Web stores it. */
    attributes: z.string().default("{}"),
    backend_node_id: z.string(),
    /** The candidate ranker's place (0 = best), when the file carries MindAct's scores. */
    rank: z.number().optional(),
  })
  .passthrough();
export type Candidate = z.infer<typeof candidateSchema>;

export const mind2webTaskSchema = z
  .object({
    annotation_id: z.string(),
    confirmed_task: z.string(),
    website: z.string().default(""),
    domain: z.string().default(""),
    subdomain: z.string().optional(),
    action_reprs: z.array(z.string()).default([]),
    actions: z
      .array(
        z
          .object({
            action_uid: z.string(),
            operation: z
              .object({ op: z.string(), value: z.string().default(""), original_op: z.string().optional() })
              .passthrough(),
            cleaned_html: z.string().default(""),
            pos_candidates: z.array(candidateSchema),
            neg_candidates: z.array(candidateSchema),
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();
export type Mind2WebTask = z.infer<typeof mind2webTaskSchema>;

/** One step of a task: what the model answers in one episode. */
export const stepProblemSchema = z.object({
  id: z.string(),
  annotationId: z.string(),
  step: z.number().int(),
  task: z.string(),
  website: z.string(),
  domain: z.string(),
  previousActions: z.array(z.string()),
  /** Mind2Web's cleaned_html: strict XML, every candidate an element with its backend_node_id. */
  html: z.string(),
  /** Candidates in the order AgentBench draws them: the first round's are the first five. */
  candidates: z.array(z.object({ id: z.string(), positive: z.boolean() })),
  operation: z.object({ op: z.string(), value: z.string() }),
  split: z.string().optional(),
});
export type StepProblem = z.infer<typeof stepProblemSchema>;

/**
 * AgentBench's candidates: those the ranker put below `topK` (Mind2Web's `rank` field), in file
 * order; a file without ranks gives its first `topK`.
 */
function topRanked(candidates: readonly Candidate[], topK: number): Candidate[] {
  if (!candidates.some((c) => typeof c.rank === "number")) return candidates.slice(0, topK);
  return candidates.filter((c) => typeof c.rank === "number" && c.rank < topK);
}

/** AgentBench's seed for the candidate shuffle (configs/tasks/mind2web*.yaml `seed: 123`). */
export const candidateShuffleSeed = 123;

/**
 * Splits a task into step problems. Candidates as AgentBench builds them (mind2web/task.py
 * predict_single): positives then negatives, both within the ranker's top k, shuffled with Python's
 * random seeded once per run, one shuffle per step that has a positive, in file order — the order
 * AgentBench draws with one worker. A step without a positive in the top k is never asked.
 */
export function stepProblems(
  task: Mind2WebTask,
  {
    topK = 10,
    random = new PythonRandom(candidateShuffleSeed),
    split,
  }: { topK?: number; random?: PythonRandom; split?: string } = {},
): StepProblem[] {
  return task.actions.map((action, step) => {
    const positives = topRanked(action.pos_candidates, topK).map((c) => ({
      id: c.backend_node_id,
      positive: true,
    }));
    const negatives = topRanked(action.neg_candidates, topK).map((c) => ({
      id: c.backend_node_id,
      positive: false,
    }));
    const candidates = [...positives, ...negatives];
    if (positives.length > 0) random.shuffle(candidates);
    return {
      id: `${task.annotation_id}#${step}`,
      annotationId: task.annotation_id,
      step,
      task: task.confirmed_task,
      website: task.website,
      domain: task.domain,
      previousActions: task.action_reprs.slice(0, step),
      html: action.cleaned_html,
      candidates,
      operation: { op: action.operation.op, value: action.operation.value },
      ...(split ? { split } : {}),
    };
  });
}

/** AgentBench fails on a candidate its page does not have; agenttune says which, when loading. */
function checkCandidates(problem: StepProblem, where: string): void {
  for (const c of problem.candidates)
    if (!problem.html.includes(`backend_node_id="${c.id}"`))
      throw new InputError(`${where}: step ${problem.step}: candidate ${c.id} is not in cleaned_html`);
}

/** Loads Mind2Web task files (a list or JSONL), or agenttune's step problems. */
export async function* loadMind2WebSteps(file: string): AsyncGenerator<StepProblem> {
  const records = await readRecords(file, z.record(z.string(), z.unknown()));
  const split = /test_(task|website|domain)/.exec(file)?.[0];
  const random = new PythonRandom(candidateShuffleSeed);
  for (const { line, value } of records) {
    const where = `${file}: [${line - 1}]`;
    if ("candidates" in value) {
      const problem = stepProblemSchema.parse(value);
      checkCandidates(problem, where);
      yield problem;
      continue;
    }
    const parsed = mind2webTaskSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${where}.${issue?.path.join(".")}: ${issue?.message}`);
    }
    for (const problem of stepProblems(parsed.data, { random, ...(split ? { split } : {}) })) {
      checkCandidates(problem, where);
      yield problem;
    }
  }
}
