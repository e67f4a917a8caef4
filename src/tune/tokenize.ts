// Tokenize + loss mask: labels are -100 outside trained assistant turns. Assistant spans come from
// rendering turn by turn (chat-template.ts), so the mask is exact for any prefix-stable template. Each
// piece is tokenized in the context of the text before it, so the ids are those of the whole rendered
// text tokenized at once (what a server feeds the model), and no token crosses a turn boundary.

import { type ChatTemplate, renderWithSpans } from "./chat-template.js";
import type { Conversation } from "./conversation.js";
import { type LossPolicy, trainedTurns } from "./loss-policy.js";
import type { TextTokenizer } from "./tokenizer.js";

export const ignoreIndex = -100;

export interface TokenizedExample {
  id: string;
  input_ids: number[];
  labels: number[];
  attention_mask: number[];
}

export type TruncationPolicy = "drop" | "turns";

export interface TokenizeOptions {
  template: ChatTemplate;
  tokenizer: TextTokenizer;
  policy?: LossPolicy;
  /** Longest sequence in tokens; longer conversations are dropped or cut at a turn boundary. */
  maxLength?: number;
  truncation?: TruncationPolicy;
}

export interface TokenizeReport {
  examples: number;
  tokens: number;
  trainedTokens: number;
  /** Conversations cut at a turn boundary to fit maxLength. */
  truncated: number;
  /** Conversations dropped: too long (and no whole trained turn fits), or nothing left to train. */
  dropped: number;
  /** Ten equal-width bins from 0 to the longest sequence. */
  lengthHistogram: { binWidth: number; counts: number[] };
}

/** A run of a rendered conversation's tokens: an assistant turn's, or the text between them. */
export interface Segment {
  ids: number[];
  trained: boolean;
  /** An assistant turn ends here: a place where a conversation may be cut. */
  turnEnd: boolean;
  /** The assistant message whose turn these tokens are (absent between turns). */
  message?: number;
}

/** Characters of preceding text that give a piece its context (see encodeInContext). */
const contextChars = 32;

/**
 * The ids of `piece` as they come out when the text before it is tokenized with it: encode(context +
 * piece) minus encode(context). Alone, a piece can tokenize differently: SentencePiece tokenizers
 * (Llama-2) prepend a "▁" to every text they see, so " Answer" alone gains an extra token in front that
 * the whole text never has. When a merge crosses the boundary (the context's ids are not a prefix), the
 * piece is tokenized alone, as LLaMA-Factory tokenizes its template slots.
 */
function encodeInContext(tokenizer: TextTokenizer, text: string, start: number, end: number): number[] {
  const piece = text.slice(start, end);
  if (start === 0) return tokenizer.encode(piece);
  const context = text.slice(Math.max(0, start - contextChars), start);
  const before = tokenizer.encode(context);
  const both = tokenizer.encode(context + piece);
  const prefix = before.every((id, i) => both[i] === id);
  return prefix ? both.slice(before.length) : tokenizer.encode(piece);
}

/** A conversation's tokens as the template renders it, in turns (the ids of the whole text at once). */
export function tokenSegments(
  conversation: Conversation,
  { template, tokenizer, policy = "per-turn" }: TokenizeOptions,
): Segment[] {
  const { text, spans } = renderWithSpans(template, conversation.messages, conversation.tools);
  const trained = trainedTurns(conversation.messages, policy);
  const out: Segment[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start > at)
      out.push({ ids: encodeInContext(tokenizer, text, at, span.start), trained: false, turnEnd: false });
    out.push({
      ids: encodeInContext(tokenizer, text, span.start, span.end),
      trained: trained[span.message] === true,
      turnEnd: true,
      message: span.message,
    });
    at = span.end;
  }
  if (at < text.length)
    out.push({ ids: encodeInContext(tokenizer, text, at, text.length), trained: false, turnEnd: false });
  return out;
}

/** Tokenizes one conversation; undefined when it must be dropped. */
export function tokenizeConversation(
  conversation: Conversation,
  options: TokenizeOptions,
): { example?: TokenizedExample; truncated: boolean } {
  let parts = tokenSegments(conversation, options);
  const length = (list: Segment[]) => list.reduce((n, s) => n + s.ids.length, 0);
  let truncated = false;
  if (options.maxLength !== undefined && length(parts) > options.maxLength) {
    if (options.truncation !== "turns") return { truncated: false };
    // keep the longest prefix that ends after an assistant turn and fits
    let cut = 0;
    let used = 0;
    for (const [i, part] of parts.entries()) {
      used += part.ids.length;
      if (used > options.maxLength) break;
      if (part.turnEnd) cut = i + 1;
    }
    parts = parts.slice(0, cut);
    truncated = true;
  }
  if (!parts.some((p) => p.trained && p.ids.length > 0)) return { truncated: false };
  const input_ids = parts.flatMap((p) => p.ids);
  const labels = parts.flatMap((p) => (p.trained ? p.ids : p.ids.map(() => ignoreIndex)));
  return {
    example: { id: conversation.id, input_ids, labels, attention_mask: input_ids.map(() => 1) },
    truncated,
  };
}

export function tokenizeConversations(
  conversations: readonly Conversation[],
  options: TokenizeOptions,
): { examples: TokenizedExample[]; report: TokenizeReport } {
  const examples: TokenizedExample[] = [];
  let truncated = 0;
  let dropped = 0;
  for (const conversation of conversations) {
    const result = tokenizeConversation(conversation, options);
    if (!result.example) {
      dropped++;
      continue;
    }
    if (result.truncated) truncated++;
    examples.push(result.example);
  }
  return { examples, report: { ...lengthStats(examples), truncated, dropped } };
}

export function lengthStats(
  examples: readonly TokenizedExample[],
): Omit<TokenizeReport, "truncated" | "dropped"> {
  const lengths = examples.map((e) => e.input_ids.length);
  const longest = Math.max(1, ...lengths);
  const binWidth = Math.ceil(longest / 10);
  const counts = Array.from({ length: 10 }, () => 0);
  for (const n of lengths) {
    const bin = Math.min(9, Math.floor((n - 1) / binWidth));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return {
    examples: examples.length,
    tokens: lengths.reduce((a, b) => a + b, 0),
    trainedTokens: examples.reduce((n, e) => n + e.labels.filter((l) => l !== ignoreIndex).length, 0),
    lengthHistogram: { binWidth, counts },
  };
}

/**
 * Packs examples, in order, into rows of at most `length` tokens (first fit of whole examples); an
 * example longer than `length` stays a row of its own.
 */
export function packExamples(examples: readonly TokenizedExample[], length: number): TokenizedExample[] {
  const rows: TokenizedExample[] = [];
  let current: TokenizedExample | undefined;
  for (const example of examples) {
    if (current && current.input_ids.length + example.input_ids.length <= length) {
      current.id += `+${example.id}`;
      current.input_ids.push(...example.input_ids);
      current.labels.push(...example.labels);
      current.attention_mask.push(...example.attention_mask);
      continue;
    }
    current = {
      id: example.id,
      input_ids: [...example.input_ids],
      labels: [...example.labels],
      attention_mask: [...example.attention_mask],
    };
    rows.push(current);
  }
  return rows;
}
