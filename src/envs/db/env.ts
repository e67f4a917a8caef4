// One dbbench episode: the task's table in its own database, SQL rounds, then an answer or a hash check.
import type { StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import { parseDbAction } from "./action.js";
import { dbMessages, truncateObservation } from "./prompt.js";
import { formatRows } from "./python-repr.js";
import { selectAnswerCorrect } from "./reward.js";
import type { TaskDatabase } from "./sql-backend.js";
import { hashFromAnswerMd5 } from "./table-hash.js";
import { type DbTask, dbTaskType, isModifyingType } from "./tasks.js";

export const defaultRoundLimit = 5;

export class DbEnvironment implements Environment {
  private operations = 0;

  constructor(
    private readonly task: DbTask,
    private readonly db: TaskDatabase,
    private readonly roundLimit = defaultRoundLimit,
    /** AgentBench's own instruction, read from the user's checkout. */
    private readonly instruction?: string,
  ) {}

  async reset() {
    return { messages: dbMessages(this.task, this.instruction) };
  }

  async step(reply: string): Promise<StepResult> {
    const type = dbTaskType(this.task);
    const action = parseDbAction(reply);
    if (action.kind === "invalid") {
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: "invalid_format",
        info: { type, reason: action.reason },
      };
    }
    if (action.kind === "operation") {
      // AgentBench: after `roundLimit` operations the next reply must answer
      if (this.operations >= this.roundLimit) {
        return { observation: "", reward: 0, done: true, failure: "round_limit", info: { type } };
      }
      this.operations++;
      const outcome = await this.db.execute(action.sql);
      const text = "error" in outcome ? outcome.error : formatRows(outcome.rows);
      return { observation: truncateObservation(text), reward: 0, done: false };
    }
    if (isModifyingType(type)) {
      const hash = await this.db.tableHash();
      const expected = hashFromAnswerMd5(this.task.answer_md5 ?? "");
      const reward = hash === expected ? 1 : 0;
      return { observation: "", reward, done: true, info: { type, answer: action.answer, hash, expected } };
    }
    const reward = selectAnswerCorrect(action.answer, this.task.label) ? 1 : 0;
    return { observation: "", reward, done: true, info: { type, answer: action.answer } };
  }

  async close() {
    await this.db.close();
  }
}
