// dbbench in AgentBench's function-calling protocol (main branch, src/server/tasks/dbbench/task.py):
// a system prompt and the question, then up to 15 rounds in which every call of a reply is handled in
// order until one commits the answer. Answers are compared by result_processor.py's rules.
import type { Message, ToolCall } from "../../core/index.js";
import {
  type CallArguments,
  callLimitText,
  type FcTexts,
  fcCallLimit,
  indexErrorText,
  pythonStrOf,
  readCallArguments,
} from "../lib/agentbench/fc.js";
import type { CallingOracleSolver, CallingReply, CallingStepResult, Environment } from "../types.js";
import { truncateObservation } from "./prompt.js";
import { formatRows } from "./python-repr.js";
import type { TaskDatabase } from "./sql-backend.js";
import { hashFromAnswerMd5 } from "./table-hash.js";
import { type DbTask, dbTaskType, goldSql, isModifyingType } from "./tasks.js";

/** The question turn (task.py start_sample): evidence, table information, then the question. */
export function fcQuestion(task: DbTask): string {
  const evidence = typeof task.evidence === "string" ? task.evidence : "";
  let prompt = "";
  if (evidence !== "") prompt += `Evidence about the question: ${evidence}\n`;
  if (task.add_description !== "")
    prompt += `Additional table information about the question: ${task.add_description}\n`;
  return `${prompt}Question: ${task.description}\n`;
}

/** Python's `list(arguments.values())[0]`, or the error text it raises. */
function firstValue(read: CallArguments): { value: unknown } | { error: string } {
  if (!read.ok) return { error: read.error };
  return read.values.length ? { value: read.values[0] } : { error: indexErrorText };
}

export class DbCallingEnvironment implements Environment {
  constructor(
    private readonly task: DbTask,
    private readonly db: TaskDatabase,
    private readonly texts: FcTexts,
  ) {}

  async reset() {
    return {
      messages: [
        { role: "system", content: this.texts.system },
        { role: "user", content: fcQuestion(this.task) },
      ] satisfies Message[],
    };
  }

  // the round loop's body: "No tool calls" is a user turn; each call gets its tool turn in order
  async step(): Promise<never> {
    throw new Error("dbbench (agentbench-fc) acts on tool calls: use stepCalls");
  }

  async stepCalls({ toolCalls }: CallingReply): Promise<CallingStepResult> {
    const messages: Message[] = [];
    const tool = (call: ToolCall, content: string) =>
      messages.push({ role: "tool", toolCallId: call.id, content });
    if (toolCalls.length === 0) {
      messages.push({ role: "user", content: "Internal error: No tool calls found despite finish reason." });
      return { messages, done: false, reward: 0 };
    }
    for (const [i, call] of toolCalls.entries()) {
      if (i >= fcCallLimit) {
        tool(call, callLimitText);
        continue;
      }
      // arguments missing from the call read as "{}" (task.py's .get('arguments', '{}'))
      const args = readCallArguments(call.arguments || "{}");
      if (!args.ok && args.stage === "json") {
        tool(call, "Error: Failed to parse tool call. Tool call format is incorrect.");
        continue;
      }
      if (call.name === "execute_sql") {
        const sql = firstValue(args);
        if ("error" in sql) {
          tool(call, `Error executing query: ${sql.error}`);
          continue;
        }
        const outcome = await this.db.execute(typeof sql.value === "string" ? sql.value : String(sql.value));
        const text = truncateObservation("error" in outcome ? outcome.error : formatRows(outcome.rows));
        tool(call, text || "No response from database.");
      } else if (call.name === "commit_final_answer") {
        const answer = firstValue(args);
        // outside the handler's try: AgentBench ends the sample as TASK_ERROR, reward 0
        if ("error" in answer)
          return {
            messages,
            done: true,
            reward: 0,
            failure: "invalid_format",
            info: { error: answer.error },
          };
        return { messages, done: true, ...(await this.judge(answer.value)) };
      } else tool(call, "Invalid function call. Please call a tool instead.");
    }
    return { messages, done: false, reward: 0 };
  }

  private async judge(answer: unknown): Promise<{ reward: number; info: Record<string, unknown> }> {
    const type = dbTaskType(this.task);
    if (isModifyingType(type)) {
      // both hashes go through _clean_answer, which leaves a hash string as it is
      const hash = await this.db.tableHash();
      const expected = hashFromAnswerMd5(this.task.answer_md5 ?? "");
      return { reward: hash === expected ? 1 : 0, info: { type, answer, hash, expected } };
    }
    return { reward: fcAnswersMatch(answer, this.task.label) ? 1 : 0, info: { type, answer } };
  }

  async close() {
    await this.db.close();
  }
}

/** result_processor.py _normalize_special_values. */
function normalizeSpecial(value: unknown): string {
  if (value === null || value === undefined) return "0";
  let text = pythonStrOf(value).trim();
  if (text.endsWith("%")) return text.slice(0, -1).trim();
  if (text.includes(",") && !text.startsWith("[") && !text.endsWith("]")) text = text.replaceAll(",", "");
  const special = ["none", "null", "undefined", "nan", "inf", "infinity", "-inf", "-infinity", ""];
  return special.includes(text.toLowerCase()) ? "0" : text;
}

const stripQuotes = (text: string) => text.trim().replace(/^['"]+|['"]+$/g, "");

/**
 * result_processor.py _clean_answer for what a tool call or a label holds. AgentBench eval()s an answer
 * string that looks like a list; agenttune never runs model text, so such a string is split on its
 * top-level commas, AgentBench's own fallback when eval fails.
 */
function cleanAnswer(answer: unknown): string[] {
  if (answer === null || answer === undefined) return ["0"];
  if (Array.isArray(answer))
    return answer.map((item) =>
      normalizeSpecial(
        stripQuotes(Array.isArray(item) && item.length === 1 ? pythonStrOf(item[0]) : pythonStrOf(item)),
      ),
    );
  if (typeof answer === "string") {
    const text = answer.trim();
    if (text.startsWith("[") && text.endsWith("]")) {
      const items: string[] = [];
      let current = "";
      let inQuotes = false;
      for (const ch of text.slice(1, -1)) {
        if (ch === '"' || ch === "'") inQuotes = !inQuotes;
        else if (ch === "," && !inQuotes) {
          if (current) items.push(normalizeSpecial(stripQuotes(current)));
          current = "";
        } else current += ch;
      }
      if (current) items.push(normalizeSpecial(stripQuotes(current)));
      return items;
    }
    return [normalizeSpecial(stripQuotes(text))];
  }
  return [normalizeSpecial(stripQuotes(pythonStrOf(answer)))];
}

const isFloat = (text: string) => {
  const t = text.trim().toLowerCase();
  return t !== "" && (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) || /^[+-]?(inf|infinity|nan)$/.test(t));
};
const floatEqual = (a: string, b: string) => Math.abs(Number(a) - Number(b)) <= 1e-2;

/** result_processor.py compare_results for SELECT-type tasks. */
export function fcAnswersMatch(answer: unknown, label: readonly unknown[]): boolean {
  const ans = cleanAnswer(answer);
  const gold = cleanAnswer(label);
  if (ans.length === 1 && gold.length === 1) {
    const [a, g] = [ans[0] as string, gold[0] as string];
    if (a === "0" && g === "0") return true;
    if (isFloat(a) && isFloat(g)) return floatEqual(a, g);
    return a === g;
  }
  if (ans.every(isFloat) && gold.every(isFloat)) {
    if (ans.length !== gold.length) return false;
    const matched = gold.map(() => false);
    for (const a of ans) {
      const i = gold.findIndex((g, j) => !matched[j] && floatEqual(a, g));
      if (i < 0) return false;
      matched[i] = true;
    }
    return matched.every(Boolean);
  }
  return new Set(ans).size === new Set(gold).size && ans.every((a) => gold.includes(a));
}

/** The oracle: the gold SQL through execute_sql, then the label through commit_final_answer. */
export function dbCallingOracle(task: DbTask): CallingOracleSolver {
  const gold = goldSql(task);
  const modifying = isModifyingType(dbTaskType(task));
  return {
    reply(messages) {
      const ran = messages.some((m) => m.toolCalls?.some((c) => c.name === "execute_sql"));
      if (gold && !ran)
        return { calls: [{ name: "execute_sql", arguments: { query: gold.replaceAll("\n", " ").trim() } }] };
      const answers = modifying ? ["none"] : task.label.map((v) => pythonStrOf(v));
      return { calls: [{ name: "commit_final_answer", arguments: { answers } }] };
    },
  };
}
