// An env's backend described by plain data (paths, URLs, model specs), so that a worker on another
// machine can open the same backend a coordinator describes; and opening it, with the models it needs.
import { resolve } from "node:path";
import type { EnvBackend, Protocol } from "../envs/index.js";
import { getEnvSpec } from "../envs/index.js";
import { type ChatModel, type ParseModelOptions, parseModel } from "../models/index.js";

export interface BackendSpec {
  backend?: string;
  roundLimit?: number;
  protocol?: Protocol;
  agentbench?: string;
  agenttuning?: string;
  taskFiles?: string[];
  corpus?: string[];
  /** Model specs: opened where the backend is. */
  judge?: string;
  judgePrompt?: string;
  toolModel?: string;
  miniwob?: string;
  prompts?: string;
  sites?: string;
  sciworld?: string;
  sciworldApi?: "agentgym" | "agenttune";
}

export interface OpenedBackend {
  backend: EnvBackend<unknown>;
  /** Closes the backend and the models it opened. */
  close(): Promise<void>;
}

/** Where a backend's prompts came from, as summaries record it: "agentbench:<dir>", or "agenttune". */
export function promptSourceOf(backend: EnvBackend<unknown>): string {
  return backend.prompts ? `${backend.promptSource ?? "agentbench"}:${backend.prompts}` : "agenttune";
}

/** Opens `env`'s backend as described; paths are resolved here. */
export async function openBackend(
  env: string,
  spec: BackendSpec,
  modelOptions: ParseModelOptions = {},
): Promise<OpenedBackend> {
  const judge: ChatModel | undefined = spec.judge ? await parseModel(spec.judge, modelOptions) : undefined;
  const toolModel: ChatModel | undefined = spec.toolModel
    ? await parseModel(spec.toolModel, modelOptions)
    : undefined;
  const closeModels = async () => {
    await judge?.close?.();
    await toolModel?.close?.();
  };
  try {
    const backend = await getEnvSpec(env).open({
      backend: spec.backend,
      roundLimit: spec.roundLimit,
      protocol: spec.protocol,
      agentbench: spec.agentbench,
      agenttuning: spec.agenttuning,
      taskFiles: spec.taskFiles?.map((f) => resolve(f)),
      corpus: spec.corpus?.map((f) => resolve(f)),
      judge,
      judgePrompt: spec.judgePrompt ? resolve(spec.judgePrompt) : undefined,
      toolModel,
      miniwob: spec.miniwob,
      prompts: spec.prompts,
      sites: spec.sites,
      sciworld: spec.sciworld,
      sciworldApi: spec.sciworldApi,
    });
    return {
      backend,
      close: async () => {
        await backend.close().catch(() => {});
        await closeModels();
      },
    };
  } catch (error) {
    await closeModels();
    throw error;
  }
}
