// `agenttune rollout`: N rollouts per task from an OpenAI-compatible server, written as an RL trainer
// consumes them (TRL's rollout_func: prompt_ids, completion_ids, logprobs, env_mask; trl
// grpo_trainer.py): the token ids are the chat template's rendering of the whole episode, tokenized as
// the tune layer does for training, and the model's turns carry the server's own log-probabilities
// where its sampled ids are exactly those tokens (vLLM: logprobs + return_tokens_as_token_ids).
import { resolve } from "node:path";
import { z } from "zod";
import {
  type Message,
  readRecords,
  type Trajectory,
  trajectorySchema,
  writeJsonlFile,
} from "../core/index.js";
import { type EnvSpec, getEnvSpec } from "../envs/index.js";
import type { ChatModel, CompleteOptions, Completion, EpisodeContext } from "../models/index.js";
import { type RunSummary, runTasks } from "../runner/index.js";
import { type ChatTemplate, type TextTokenizer, tokenSegments } from "../tune/index.js";

export const rolloutSchema = z.object({
  id: z.string(),
  task_id: z.string(),
  sample: z.number().int().nonnegative(),
  prompt_ids: z.array(z.number().int()),
  completion_ids: z.array(z.number().int()),
  /**
   * One per completion token: the server's for the model's sampled tokens, else null (TRL maps None to
   * NaN and leaves it out of the importance ratio: trl 1.13 grpo_trainer.py:2486-2491).
   */
  logprobs: z.array(z.number().nullable()),
  /**
   * 1 where the model produced the token (its turns), 0 for the env's and the template's others: TRL's
   * rollout_func key, taken as its tool mask (grpo_trainer.py:2293-2295).
   */
  env_mask: z.array(z.union([z.literal(0), z.literal(1)])),
  reward: z.number(),
  /** GRPO: reward minus the group's mean (divided by its std with scaleByStd). */
  advantage: z.number(),
  /** Every model turn's sampled ids were a prefix of the template's tokens for that turn. */
  token_exact: z.boolean(),
});
export type Rollout = z.infer<typeof rolloutSchema>;

/** Records each episode's completions in call order, asking the backend for its sampled tokens. */
class TokenRecorder implements ChatModel {
  readonly id: string;
  readonly calls = new Map<string, Completion[]>();

  constructor(private readonly inner: ChatModel) {
    this.id = inner.id;
  }

  complete(messages: Message[], options?: CompleteOptions): Promise<Completion> {
    return this.inner.complete(messages, { ...options, tokens: true });
  }

  async forEpisode(context: EpisodeContext): Promise<ChatModel> {
    const inner = (await this.inner.forEpisode?.(context)) ?? this.inner;
    const list: Completion[] = [];
    this.calls.set(`${context.taskId}#${context.sample ?? 0}`, list);
    return {
      id: inner.id,
      complete: async (messages, options) => {
        const completion = await inner.complete(messages, { ...options, tokens: true });
        list.push(completion);
        return completion;
      },
    };
  }
}

export interface RolloutOptions {
  env: string;
  tasksFile: string;
  model: ChatModel;
  /** Rollouts per task (GRPO's group). */
  group: number;
  out: string;
  template: ChatTemplate;
  tokenizer: TextTokenizer;
  scaleByStd?: boolean;
  concurrency?: number;
  temperature?: number;
  maxTurns?: number;
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops new episodes; the finished ones are kept (results.jsonl resumes). */
  signal?: AbortSignal;
}

/** A trajectory's tokens: prompt up to the model's first turn, then the rest with its env mask. */
export function rolloutTokens(
  trajectory: Trajectory,
  completions: readonly Completion[],
  template: ChatTemplate,
  tokenizer: TextTokenizer,
): Omit<Rollout, "id" | "task_id" | "sample" | "reward" | "advantage"> {
  const segments = tokenSegments(
    {
      id: trajectory.id,
      source: "agent",
      messages: trajectory.messages,
      ...(trajectory.tools ? { tools: trajectory.tools } : {}),
    },
    { template, tokenizer, policy: "per-turn" },
  );
  const first = segments.findIndex((s) => s.trained);
  const prompt_ids = segments.slice(0, Math.max(0, first)).flatMap((s) => s.ids);
  const completion_ids: number[] = [];
  const logprobs: (number | null)[] = [];
  const env_mask: (0 | 1)[] = [];
  let turn = 0;
  let exact = true;
  for (const segment of first < 0 ? [] : segments.slice(first)) {
    completion_ids.push(...segment.ids);
    if (!segment.trained) {
      for (const _ of segment.ids) {
        logprobs.push(null);
        env_mask.push(0);
      }
      continue;
    }
    // the model's turn: its sampled ids should open the template's tokens for it (the rest is the
    // template's end of turn, which the server does not report)
    const sampled = completions[turn++]?.tokens;
    const aligned = sampled?.ids.every((id, i) => segment.ids[i] === id) === true;
    if (!aligned) exact = false;
    for (const [i] of segment.ids.entries()) {
      env_mask.push(1);
      logprobs.push(aligned && i < (sampled?.ids.length ?? 0) ? (sampled?.logprobs[i] ?? null) : null);
    }
  }
  if (turn !== completions.length) exact = false;
  return { prompt_ids, completion_ids, logprobs, env_mask, token_exact: exact && first >= 0 };
}

/** GRPO's advantages for one group's rewards. */
export function groupAdvantages(rewards: readonly number[], scaleByStd = false): number[] {
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / rewards.length);
  return rewards.map((r) => (scaleByStd ? (r - mean) / (std + 1e-4) : r - mean));
}

/**
 * Runs `group` episodes per task (resumable: results.jsonl as in eval), then writes
 * <out>/rollouts.jsonl with one record per episode. Episodes resumed from an earlier run have no
 * recorded completions: their model tokens get null log-probabilities and token_exact false. `run`
 * says whether every episode finished (a model server that is down leaves them pending).
 */
export async function collectRollouts(
  options: RolloutOptions,
): Promise<{ rollouts: Rollout[]; run: RunSummary }> {
  // biome-ignore lint/suspicious/noExplicitAny: tasks of any env
  const spec = getEnvSpec(options.env) as EnvSpec<any>;
  const tasks: unknown[] = [];
  for await (const task of spec.loadTasks(options.tasksFile)) tasks.push(task);
  const backend = await spec.open({ taskFiles: [options.tasksFile] });
  const recorder = new TokenRecorder(options.model);
  const out = resolve(options.out);
  let run: RunSummary;
  try {
    run = await runTasks({
      spec,
      backend,
      tasks,
      model: recorder,
      outDir: out,
      samples: options.group,
      concurrency: options.concurrency ?? 8,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
      ...(options.onProgress ? { onProgress: (p) => options.onProgress?.(p.done, p.total) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    await backend.close();
  }
  const trajectories = (await readRecords(resolve(out, "results.jsonl"), trajectorySchema)).map(
    (r) => r.value,
  );
  const groups = new Map<string, Trajectory[]>();
  for (const t of trajectories) {
    const group = groups.get(t.taskId);
    if (group) group.push(t);
    else groups.set(t.taskId, [t]);
  }
  const rollouts: Rollout[] = [];
  for (const [taskId, members] of groups) {
    const advantages = groupAdvantages(
      members.map((t) => t.reward),
      options.scaleByStd,
    );
    for (const [i, t] of members.entries()) {
      const sample = Number(t.id.split("/").at(-1) ?? 0);
      const completions = recorder.calls.get(`${taskId}#${sample}`) ?? [];
      rollouts.push({
        id: t.id,
        task_id: taskId,
        sample,
        ...rolloutTokens(t, completions, options.template, options.tokenizer),
        reward: t.reward,
        advantage: advantages[i] as number,
      });
    }
  }
  // derived from results.jsonl: rewritten whole (atomically) on every run
  writeJsonlFile(resolve(out, "rollouts.jsonl"), rollouts);
  return { rollouts, run };
}
