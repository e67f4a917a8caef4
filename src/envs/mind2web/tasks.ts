// Mind2Web's JSON (tasks with confirmed_task, website, domain, actions with cleaned_html, pos/neg
// candidates, operation {op, value}, action_reprs), and the per-step problems agenttune runs: each
// step is its own multiple-choice problem with the previous actions as context.
import { z } from "zod";
import { InputError, mulberry32, readRecords } from "../../core/index.js";

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
  html: z.string(),
  /** Candidates in the order shown; the first group's choices B–F are the first five. */
  candidates: z.array(z.object({ id: z.string(), snippet: z.string(), positive: z.boolean() })),
  operation: z.object({ op: z.string(), value: z.string() }),
  split: z.string().optional(),
});
export type StepProblem = z.infer<typeof stepProblemSchema>;

/** A short HTML snippet of a candidate: its tag, a few attributes and its text. */
export function candidateSnippet(candidate: Candidate): string {
  let attributes: Record<string, unknown> = {};
  try {
    attributes = JSON.parse(candidate.attributes) as Record<string, unknown>;
  } catch {
    // Mind2Web stores attributes as a JSON string; a broken one shows no attributes
  }
  const keep = [
    "id",
    "name",
    "type",
    "placeholder",
    "aria_label",
    "aria-label",
    "value",
    "title",
    "role",
    "href",
  ];
  const attrs = keep
    .filter((k) => attributes[k] !== undefined && attributes[k] !== "")
    .map((k) => `${k}="${String(attributes[k]).slice(0, 60)}"`);
  const text = String((candidate as { text?: unknown }).text ?? attributes.text ?? "").slice(0, 80);
  return `<${candidate.tag}${attrs.length ? ` ${attrs.join(" ")}` : ""}>${text}</${candidate.tag}>`;
}

/** Candidates the ranker put in the top k (all of them when the file has no ranks), in rank order. */
function topRanked(candidates: readonly Candidate[], topK: number): Candidate[] {
  const rank = (c: Candidate) => (typeof c.rank === "number" ? c.rank : undefined);
  if (!candidates.some((c) => rank(c) !== undefined)) return candidates.slice(0, topK);
  return candidates
    .filter((c) => (rank(c) ?? Number.POSITIVE_INFINITY) < topK)
    .sort((a, b) => (rank(a) ?? 0) - (rank(b) ?? 0));
}

/** Fisher–Yates with a seeded generator: the same seed gives the same order on every engine. */
function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Splits tasks into step problems. Candidates as AgentBench builds them: the positives and the
 * negatives ranked below `topK` by the candidate ranker (Mind2Web's `rank` field; without ranks, the
 * first `topK` negatives of the file), shuffled deterministically by seed.
 */
export function stepProblems(
  task: Mind2WebTask,
  { topK = 10, seed = 1, split }: { topK?: number; seed?: number; split?: string } = {},
): StepProblem[] {
  return task.actions.map((action, step) => {
    const rng = mulberry32(seed * 1_000_003 + step + task.annotation_id.length);
    const snippet = (c: Candidate, positive: boolean) => ({
      id: c.backend_node_id,
      snippet: candidateSnippet(c),
      positive,
    });
    const candidates = shuffled(
      [
        ...topRanked(action.pos_candidates, topK).map((c) => snippet(c, true)),
        ...topRanked(action.neg_candidates, topK).map((c) => snippet(c, false)),
      ],
      rng,
    );
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

/** Loads Mind2Web task files (a list or JSONL), or agenttune's step problems. */
export async function* loadMind2WebSteps(file: string): AsyncGenerator<StepProblem> {
  const records = await readRecords(file, z.record(z.string(), z.unknown()));
  const split = /test_(task|website|domain)/.exec(file)?.[0];
  for (const { line, value } of records) {
    if ("candidates" in value) {
      yield stepProblemSchema.parse(value);
      continue;
    }
    const parsed = mind2webTaskSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${file}: [${line - 1}].${issue?.path.join(".")}: ${issue?.message}`);
    }
    yield* stepProblems(parsed.data, split ? { split } : {});
  }
}
