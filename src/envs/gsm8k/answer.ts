// GSM8K's answer rules as AgentTuning's eval_gsm8k_tgi.py applies them: the gold number after "####"
// (extract_answer_hf), the reply cut at "Question:" (clean_answer) and its last run of digits read by
// Python's eval (extract_answer: signs, commas and decimals are lost, "07" is invalid). The strict
// variant reads the last number whole, sign, thousands commas and decimals kept.

/** extract_answer_hf: the number after "#### ", commas dropped; undefined where Python's eval fails. */
export function goldAnswer(answer: string): number | undefined {
  const match = /#### (-?[0-9.,]+)/.exec(answer);
  if (!match) return undefined;
  return pythonNumberLiteral((match[1] as string).trim().replaceAll(",", ""));
}

/** eval() of a string of digits, an optional leading "-" and dots: Python's int and float literals. */
function pythonNumberLiteral(text: string): number | undefined {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  // an int literal may not start with 0 unless it is all zeros; a float may
  const valid = /^(0+|[1-9]\d*)$/.test(body) || /^(\d+\.\d*|\.\d+)$/.test(body);
  if (!valid) return undefined;
  const value = Number(body);
  return negative ? -value : value;
}

/** clean_answer: the reply up to its first "Question:". */
export const cleanCompletion = (reply: string) => reply.split("Question:")[0] as string;

/** extract_answer: eval of the last \d+ of the cleaned reply. */
export function lossyPrediction(completion: string): number | undefined {
  const last = completion.match(/\d+/g)?.at(-1);
  return last === undefined ? undefined : pythonNumberLiteral(last);
}

/** The last number with its sign, thousands commas and decimals. */
export function strictPrediction(completion: string): number | undefined {
  const last = completion.match(/-?\d[\d,]*(?:\.\d+)?|-?\.\d+/g)?.at(-1);
  if (last === undefined) return undefined;
  const value = Number(last.replaceAll(",", ""));
  return Number.isFinite(value) ? value : undefined;
}
