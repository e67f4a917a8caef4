// Resolves a model spec, including "oracle", which needs the env it solves.
import type { EnvSpec } from "../envs/index.js";
import { type ChatModel, type ParseModelOptions, parseModel } from "../models/index.js";
import { oracleModel } from "./oracle-model.js";

export async function resolveModel<Task>(
  spec: string,
  env: EnvSpec<Task>,
  options?: ParseModelOptions,
): Promise<ChatModel> {
  if (spec === "oracle") return oracleModel(env);
  return parseModel(spec, options);
}
