// The conversation of eval_gsm8k_tgi.py's doc_to_text: the Llama-2 system message, an instruction
// answered "Ok.", 8 worked examples, then the question. The examples come from the user's AgentTuning
// checkout (Q1…Q8, A1…A8 of eval_general/eval_gsm8k_tgi.py), else from agenttune's own file in the
// same layout (data/gsm8k-shots.jsonl: solutions written for the public chain-of-thought exemplars).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError, type Message, packageDataFile, readJsonlAll } from "../../core/index.js";
import { stringConstant } from "../lib/agentbench/python-source.js";

export const gsm8kSystem = "You are a helpful, respectful and honest assistant.";
export const gsm8kInstruction =
  "Please provide a detailed step-by-step solution for the following grade school math question. ";

export interface Shot {
  question: string;
  answer: string;
}
const shotSchema = z.object({ question: z.string().min(1), answer: z.string().min(1) });

/** The 8 examples of eval_gsm8k_tgi.py in an AgentTuning checkout. */
export function checkoutShots(agenttuning: string): { shots: Shot[]; file: string } {
  const file = join(agenttuning, "eval_general", "eval_gsm8k_tgi.py");
  if (!existsSync(file)) throw new InputError(`${file}: missing from the AgentTuning checkout`);
  const source = readFileSync(file, "utf8");
  const shots = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => {
    const question = stringConstant(source, `Q${i}`);
    const answer = stringConstant(source, `A${i}`);
    if (question === undefined || answer === undefined)
      throw new InputError(`${file}: Q${i} or A${i} not found`);
    return { question, answer };
  });
  return { shots, file };
}

/** agenttune's examples shipped with the package. */
export async function ownShots(): Promise<Shot[]> {
  const file = packageDataFile("gsm8k-shots.jsonl");
  if (!file) throw new InputError("data/gsm8k-shots.jsonl is missing from this install");
  return (await readJsonlAll(file, shotSchema)).map((r) => r.value);
}

/** doc_to_text's messages for one question. */
export function gsm8kMessages(shots: readonly Shot[], question: string): Message[] {
  return [
    { role: "system", content: gsm8kSystem },
    { role: "user", content: gsm8kInstruction },
    { role: "assistant", content: "Ok." },
    ...shots.flatMap((s): Message[] => [
      { role: "user", content: s.question },
      { role: "assistant", content: s.answer },
    ]),
    { role: "user", content: `\nQuestion: ${question}` },
  ];
}
