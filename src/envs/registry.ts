// Looks up environments by name.
import { InputError } from "../core/index.js";
import { alfworldSpec } from "./alfworld/spec.js";
import { cardgameSpec } from "./cardgame/spec.js";
import { dbSpec } from "./db/spec.js";
import { gsm8kSpec } from "./gsm8k/spec.js";
import { hotpotqaSpec } from "./hotpotqa/spec.js";
import { humanevalSpec } from "./humaneval/spec.js";
import { kgSpec } from "./kg/spec.js";
import { mind2webSpec } from "./mind2web/spec.js";
import { miniwobSpec } from "./miniwob/spec.js";
import { mmluSpec } from "./mmlu/spec.js";
import { mtbenchSpec } from "./mtbench/spec.js";
import { osSpec } from "./os/spec.js";
import { rewooSpec } from "./rewoo/spec.js";
import { sciworldSpec } from "./sciworld/spec.js";
import type { EnvSpec } from "./types.js";
import { webarenaSpec } from "./webarena/spec.js";
import { webshopSpec } from "./webshop/spec.js";

// biome-ignore lint/suspicious/noExplicitAny: specs differ in their task type
const specs: Record<string, EnvSpec<any>> = {
  alfworld: alfworldSpec,
  cardgame: cardgameSpec,
  db: dbSpec,
  gsm8k: gsm8kSpec,
  hotpotqa: hotpotqaSpec,
  humaneval: humanevalSpec,
  kg: kgSpec,
  mind2web: mind2webSpec,
  miniwob: miniwobSpec,
  mmlu: mmluSpec,
  mtbench: mtbenchSpec,
  os: osSpec,
  rewoo: rewooSpec,
  sciworld: sciworldSpec,
  webarena: webarenaSpec,
  webshop: webshopSpec,
};

export function envNames(): string[] {
  return Object.keys(specs);
}

// biome-ignore lint/suspicious/noExplicitAny: callers handle tasks opaquely
export function getEnvSpec(name: string): EnvSpec<any> {
  const spec = specs[name];
  if (!spec) throw new InputError(`unknown env "${name}": known envs are ${envNames().join(", ")}`);
  return spec;
}

/**
 * The envs other than `except` whose loader reads `file` without error: a hint for a task file passed
 * with the wrong --env. Only called on the error path, so trying each loader is affordable.
 */
export async function envsThatRead(file: string, except: string): Promise<string[]> {
  const fits: string[] = [];
  for (const name of envNames()) {
    if (name === except) continue;
    try {
      for await (const _task of getEnvSpec(name).loadTasks(file, {})) {
        fits.push(name);
        break;
      }
    } catch {}
  }
  return fits;
}
