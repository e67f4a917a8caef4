#!/usr/bin/env node
// The agenttune command line: one thin command per file, each calling one library function.
import { Command } from "commander";
import { AgenttuneError } from "../core/index.js";
import { registerCollect } from "./collect.js";
import { registerDataset } from "./dataset.js";
import { registerDecontam } from "./decontam.js";
import { registerEval } from "./eval.js";
import { registerFilter } from "./filter.js";
import { registerMix } from "./mix.js";
import { registerOs } from "./os.js";
import { registerPipeline } from "./pipeline.js";
import { registerQuickstart } from "./quickstart.js";
import { registerRationale } from "./rationale.js";
import { registerRecord } from "./record.js";
import { registerReport } from "./report.js";
import { registerRollout } from "./rollout.js";
import { registerServe } from "./serve.js";
import { systemErrorLine } from "./system-errors.js";
import { registerTasks } from "./tasks.js";
import { registerTrain } from "./train.js";
import { registerTune } from "./tune.js";
import { reportUnknownOptionFirst } from "./unknown-options.js";
import { registerWorker } from "./worker.js";

const program = new Command()
  .name("agenttune")
  .description("Environments, data construction, hybrid instruction tuning and evaluation for LLM agents")
  .version("0.1.0")
  // the error line alone, not buried under the whole help
  .showHelpAfterError("(run with --help for usage)");

registerQuickstart(program);
registerEval(program);
registerTasks(program);
registerCollect(program);
registerFilter(program);
registerRationale(program);
registerDecontam(program);
registerDataset(program);
registerPipeline(program);
registerMix(program);
registerTune(program);
registerTrain(program);
registerReport(program);
registerServe(program);
registerRollout(program);
registerWorker(program);
registerRecord(program);
registerOs(program);

try {
  reportUnknownOptionFirst(program);
  await program.parseAsync();
} catch (error) {
  if (AgenttuneError.isInstance(error)) {
    process.stderr.write(`agenttune: ${error.message}\n`);
    process.exit(1);
  }
  const system = systemErrorLine(error);
  if (system) {
    process.stderr.write(`agenttune: ${system}\n`);
    process.exit(1);
  }
  throw error;
}
