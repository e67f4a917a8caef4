// ALFWorld's own game files: `game.tw-pddl` (JSON holding the PDDL problem) beside `traj_data.json`
// (task type and targets). The world is built from the PDDL initial state (objects, receptacles, what
// is in what, openable, lamps); the goal from the task type and pddl_params. AgentBench's split files
// (lists of game paths, or {type: [paths]}) are accepted as task lists.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { InputError } from "../../core/index.js";
import type { Game } from "./games.js";
import type { TaskType } from "./world.js";

const taskTypeNames: Record<string, TaskType> = {
  pick_and_place_simple: "pick_and_place",
  pick_clean_then_place_in_recep: "pick_clean_then_place",
  pick_heat_then_place_in_recep: "pick_heat_then_place",
  pick_cool_then_place_in_recep: "pick_cool_then_place",
  look_at_obj_in_light: "look_at_obj_in_light",
  pick_two_obj_and_place: "pick_two_obj_and_place",
};

/** "CounterTopType" / "CounterTop" → "countertop". */
const kindName = (pddlType: string) => pddlType.replace(/Type$/, "").toLowerCase();

function readJsonFile(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
}

/** Builds a game from one ALFWorld game folder (or its game.tw-pddl path). */
export function loadAlfworldGame(path: string, id = path): Game {
  const gameFile = path.endsWith(".tw-pddl") ? path : join(path, "game.tw-pddl");
  const trajFile = join(dirname(gameFile), "traj_data.json");
  if (!existsSync(gameFile)) throw new InputError(`${gameFile}: not found`);
  if (!existsSync(trajFile)) throw new InputError(`${trajFile}: not found (needed for the task type)`);
  const problem = String(readJsonFile(gameFile).pddl_problem ?? "");
  if (!problem.includes("(:init")) throw new InputError(`${gameFile}: pddl_problem: no (:init …) section`);
  const traj = readJsonFile(trajFile) as { task_type?: string; pddl_params?: Record<string, unknown> };
  const type = taskTypeNames[traj.task_type ?? ""];
  if (!type) throw new InputError(`${trajFile}: task_type: unknown "${traj.task_type}"`);
  const params = traj.pddl_params ?? {};

  const facts = [
    ...problem.matchAll(
      /\(\s*(objectType|receptacleType|inReceptacle|openable|opened|toggleable)\s+([^\s()]+)(?:\s+([^\s()]+))?\s*\)/g,
    ),
  ].map((m) => ({
    fact: m[1] as string,
    a: m[2] as string,
    b: m[3],
  }));
  const names = new Map<string, string>();
  const counters = new Map<string, number>();
  const nameOf = (id: string, kind: string) => {
    if (!names.has(id)) {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      names.set(id, `${kind} ${n}`);
    }
    return names.get(id) as string;
  };
  const receptacleIds = facts
    .filter((f) => f.fact === "receptacleType")
    .map((f) => ({ id: f.a, kind: kindName(f.b ?? "") }));
  const openable = new Set(facts.filter((f) => f.fact === "openable").map((f) => f.a));
  const opened = new Set(facts.filter((f) => f.fact === "opened").map((f) => f.a));
  const receptacles = receptacleIds.map((r) => ({
    name: nameOf(r.id, r.kind),
    openable: openable.has(r.id),
    open: opened.has(r.id),
    contents: [] as string[],
  }));
  const byId = new Map(receptacleIds.map((r, i) => [r.id, receptacles[i] as (typeof receptacles)[number]]));
  const receptacleSet = new Set(receptacleIds.map((r) => r.id));
  const toggleable = new Set(facts.filter((f) => f.fact === "toggleable").map((f) => f.a));
  const objects = facts
    .filter((f) => f.fact === "objectType" && !receptacleSet.has(f.a))
    .map((f) => {
      const kind = kindName(f.b ?? "");
      const lamp = toggleable.has(f.a) || kind.endsWith("lamp");
      return {
        id: f.a,
        name: nameOf(f.a, kind),
        type: kind,
        clean: false,
        hot: false,
        cool: false,
        ...(lamp ? { lamp: true, on: false } : {}),
      };
    });
  for (const f of facts.filter((x) => x.fact === "inReceptacle")) {
    const object = objects.find((o) => o.id === f.a);
    const recep = byId.get(f.b ?? "");
    if (object && recep) recep.contents.push(object.name);
  }
  const objectType = kindName(String(params.object_target ?? ""));
  const receptacleType = params.parent_target ? kindName(String(params.parent_target)) : undefined;
  const lampType = params.toggle_target ? kindName(String(params.toggle_target)) : undefined;
  const text = {
    pick_and_place: `put a ${objectType} in ${receptacleType}.`,
    pick_clean_then_place: `put a clean ${objectType} in ${receptacleType}.`,
    pick_heat_then_place: `put a hot ${objectType} in ${receptacleType}.`,
    pick_cool_then_place: `put a cool ${objectType} in ${receptacleType}.`,
    look_at_obj_in_light: `look at ${objectType} under the ${lampType}.`,
    pick_two_obj_and_place: `put two ${objectType} in ${receptacleType}.`,
  }[type];
  return {
    id,
    state: {
      receptacles,
      objects: objects.map(({ id: _, ...o }) => o),
      goal: {
        type,
        objectType,
        ...(receptacleType ? { receptacleType } : {}),
        ...(lampType ? { lampType } : {}),
        text,
      },
    },
  };
}

function findGames(dir: string): string[] {
  if (existsSync(join(dir, "game.tw-pddl"))) return [dir];
  return readdirSync(dir)
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isDirectory())
    .sort()
    .flatMap(findGames);
}

/** A game folder, a tree of them, a game.tw-pddl file, or an AgentBench split file of game paths. */
/** AgentBench's split files: a list of game folders, or lists of them keyed by split. */
const splitFileSchema = z.union([z.array(z.string()), z.record(z.string(), z.array(z.string()))]);

export function* loadAlfworldSource(source: string): Generator<Game> {
  if (!existsSync(source)) throw new InputError(`${source}: not found`);
  if (statSync(source).isDirectory()) {
    for (const dir of findGames(source))
      yield loadAlfworldGame(dir, dir.slice(source.length).replace(/^\//, "") || dir);
    return;
  }
  if (source.endsWith(".tw-pddl")) {
    yield loadAlfworldGame(source);
    return;
  }
  let split: unknown;
  try {
    split = JSON.parse(readFileSync(source, "utf8"));
  } catch (error) {
    throw new InputError(`${source}: not an ALFWorld split file (JSON): ${(error as Error).message}`);
  }
  const parsed = splitFileSchema.safeParse(split);
  if (!parsed.success)
    throw new InputError(
      `${source}: not an ALFWorld split file: expected a list of game folders, or {split: [folders]}`,
    );
  const paths = Array.isArray(parsed.data) ? parsed.data : Object.values(parsed.data).flat();
  for (const p of paths) {
    const full = isAbsolute(p) ? p : resolve(dirname(source), p);
    yield loadAlfworldGame(full.endsWith(".tw-pddl") ? dirname(full) : full, p);
  }
}
