// Tokenize + loss mask throughput: @huggingface/tokenizers (pure JS, what agenttune uses) against the
// Rust `tokenizers` binding on the same rendered segments, in one run (bench/results/tokenize.json).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import rust from "tokenizers";
import { parsePipelineConfig, runPipeline } from "../src/data/index.js";
import { builtinTemplates, type ChatTemplate, renderWithSpans } from "../src/tune/chat-template.js";
import { readAgentConversations, readGeneralConversations } from "../src/tune/conversation.js";
import { bundledGeneralSample } from "../src/tune/files.js";
import { trainedTurns } from "../src/tune/loss-policy.js";
import { mixConversations } from "../src/tune/mix.js";
import { byteLevelBpeTokenizer } from "../src/tune/test-helpers/tiny-tokenizers.js";
import type { Row } from "./table.js";
import { writeResults } from "./table.js";

export async function benchTokenize(): Promise<Row[]> {
  // data: a mix of AgentInstruct db trajectories (from the pipeline) and the bundled general chats
  const out = mkdtempSync(join(tmpdir(), "bench-tok-"));
  await runPipeline({
    config: parsePipelineConfig({ out, envs: { db: { count: 300 } } }, "bench"),
    log: () => {},
    progress: false,
  });
  const agent = await readAgentConversations(join(out, "agentinstruct"));
  const general = (await readGeneralConversations(bundledGeneralSample())).conversations;
  const { conversations } = mixConversations({
    agent,
    general: [...general, ...general, ...general, ...general],
    eta: 0.5,
  });
  rmSync(out, { recursive: true, force: true });

  // both libraries tokenize the same segments: rendering is shared and not timed
  const template = builtinTemplates.chatml as ChatTemplate;
  const segments: { text: string; trained: boolean }[][] = conversations.map((c) => {
    const { text, spans } = renderWithSpans(template, c.messages);
    const trained = trainedTurns(c.messages, "per-turn");
    const parts: { text: string; trained: boolean }[] = [];
    let at = 0;
    for (const span of spans) {
      if (span.start > at) parts.push({ text: text.slice(at, span.start), trained: false });
      parts.push({ text: text.slice(span.start, span.end), trained: trained[span.message] === true });
      at = span.end;
    }
    if (at < text.length) parts.push({ text: text.slice(at), trained: false });
    return parts;
  });
  const json = byteLevelBpeTokenizer();
  const js = new JsTokenizer(json, {});
  const rs = rust.Tokenizer.fromString(JSON.stringify(json));

  const mask = (ids: number[][], parts: { trained: boolean }[]) => ({
    input_ids: ids.flat(),
    labels: ids.flatMap((s, i) => (parts[i]?.trained ? s : s.map(() => -100))),
  });
  const runJs = async () => {
    let tokens = 0;
    for (const parts of segments)
      tokens += mask(
        parts.map((p) => js.encode(p.text, { add_special_tokens: false }).ids),
        parts,
      ).input_ids.length;
    return tokens;
  };
  const runRust = async () => {
    let tokens = 0;
    for (const parts of segments) {
      const encodings = await rs.encodeBatch(
        parts.map((p) => p.text),
        { addSpecialTokens: false },
      );
      tokens += mask(
        encodings.map((e) => e.getIds()),
        parts,
      ).input_ids.length;
    }
    return tokens;
  };
  const time = async (fn: () => Promise<number>) => {
    await fn(); // warm-up
    const start = performance.now();
    let tokens = 0;
    for (let i = 0; i < 3; i++) tokens += await fn();
    return { tokens, seconds: (performance.now() - start) / 1000 };
  };
  const jsRun = await time(runJs);
  const rustRun = await time(runRust);
  const jsRate = jsRun.tokens / jsRun.seconds;
  const rustRate = rustRun.tokens / rustRun.seconds;
  if (jsRun.tokens !== rustRun.tokens)
    throw new Error(`bench: the libraries disagree (${jsRun.tokens} vs ${rustRun.tokens} tokens)`);
  writeResults("tokenize", {
    date: new Date().toISOString(),
    conversations: conversations.length,
    tokensPerPass: jsRun.tokens / 3,
    js: { tokensPerSecond: jsRate },
    rust: { tokensPerSecond: rustRate },
    ratioJsToRust: jsRate / rustRate,
  });
  return [
    {
      measure: "tokenize+mask, @huggingface/tokenizers (JS)",
      value: `${Math.round(jsRate).toLocaleString("en")} tok/s`,
      note: `${conversations.length} conversations, ${jsRun.tokens / 3} tokens a pass, ChatML, byte-level BPE`,
    },
    {
      measure: "tokenize+mask, tokenizers (Rust binding)",
      value: `${Math.round(rustRate).toLocaleString("en")} tok/s`,
      note: `JS/Rust = ${(jsRate / rustRate).toFixed(2)} (same segments, same ids)`,
    },
  ];
}
