// Games: a deterministic generator of layouts and goals for each task type (seeded; thousands of
// distinct games), and the oracle's plan, which acts only through commands.
import { z } from "zod";
import { mulberry32 } from "../../core/index.js";
import { type TaskType, taskTypes } from "./world.js";

export const gameSchema = z.object({
  id: z.string(),
  state: z.object({
    receptacles: z.array(
      z.object({ name: z.string(), openable: z.boolean(), open: z.boolean(), contents: z.array(z.string()) }),
    ),
    objects: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        clean: z.boolean(),
        hot: z.boolean(),
        cool: z.boolean(),
        on: z.boolean().optional(),
        lamp: z.boolean().optional(),
      }),
    ),
    goal: z.object({
      type: z.enum(taskTypes as [TaskType, ...TaskType[]]),
      objectType: z.string(),
      receptacleType: z.string().optional(),
      lampType: z.string().optional(),
      text: z.string(),
    }),
  }),
});
export type Game = z.infer<typeof gameSchema>;

const receptacleKinds: [string, number, boolean][] = [
  ["cabinet", 4, true],
  ["countertop", 2, false],
  ["drawer", 3, true],
  ["fridge", 1, true],
  ["microwave", 1, true],
  ["sinkbasin", 1, false],
  ["shelf", 2, false],
  ["desk", 1, false],
  ["sidetable", 1, false],
  ["diningtable", 1, false],
  ["garbagecan", 1, false],
  ["stoveburner", 2, false],
];
const foods = ["apple", "tomato", "potato", "egg", "lettuce", "bread"];
const dishes = ["mug", "cup", "plate", "bowl"];
const things = ["book", "pen", "cellphone", "keychain", "creditcard", "vase", "pillow", "cd"];
const objectTypesFor: Record<TaskType, string[]> = {
  pick_and_place: [...foods, ...dishes, ...things],
  pick_clean_then_place: [...foods, ...dishes],
  pick_heat_then_place: [...foods, "mug", "cup"],
  pick_cool_then_place: [...foods, "mug", "cup"],
  look_at_obj_in_light: ["book", "pen", "cellphone", "keychain", "creditcard", "cd", "mug", "bowl"],
  pick_two_obj_and_place: [...foods, ...dishes, ...things],
};
const placeTargets = [
  "countertop",
  "cabinet",
  "drawer",
  "shelf",
  "diningtable",
  "fridge",
  "microwave",
  "garbagecan",
  "sidetable",
  "desk",
];

function goalText(
  type: TaskType,
  object: string,
  target: string | undefined,
  lamp: string | undefined,
  rng: () => number,
): string {
  const some = rng() < 0.5;
  switch (type) {
    case "pick_and_place":
      return some ? `put some ${object} on ${target}.` : `put a ${object} in ${target}.`;
    case "pick_clean_then_place":
      return some ? `clean some ${object} and put it in ${target}.` : `put a clean ${object} in ${target}.`;
    case "pick_heat_then_place":
      return some ? `heat some ${object} and put it in ${target}.` : `put a hot ${object} in ${target}.`;
    case "pick_cool_then_place":
      return some ? `cool some ${object} and put it in ${target}.` : `put a cool ${object} in ${target}.`;
    case "look_at_obj_in_light":
      return some ? `look at ${object} under the ${lamp}.` : `examine the ${object} with the ${lamp}.`;
    case "pick_two_obj_and_place":
      return some ? `find two ${object} and put them in ${target}.` : `put two ${object} in ${target}.`;
  }
}

export function generateGame(type: TaskType, seed: number, id = `${type}-${seed}`): Game {
  const rng = mulberry32(seed * 7919 + taskTypes.indexOf(type));
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)] as T;
  const receptacles = receptacleKinds.flatMap(([kind, count, openable]) =>
    Array.from({ length: rng() < 0.3 ? Math.max(1, count - 1) : count }, (_, i) => ({
      name: `${kind} ${i + 1}`,
      openable,
      open: false,
      contents: [] as string[],
    })),
  );
  const objectType = pick(objectTypesFor[type]);
  const target =
    type === "look_at_obj_in_light"
      ? undefined
      : pick(
          placeTargets
            .filter((t) => t !== "fridge" || type !== "pick_cool_then_place")
            .filter((t) => t !== "microwave" || type !== "pick_heat_then_place"),
        );
  const lamp = type === "look_at_obj_in_light" ? pick(["desklamp", "floorlamp"]) : undefined;
  const counters = new Map<string, number>();
  const objects: Game["state"]["objects"] = [];
  const place = (
    kind: string,
    where: (r: (typeof receptacles)[number]) => boolean,
    extra: Partial<Game["state"]["objects"][number]> = {},
  ) => {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    const name = `${kind} ${n}`;
    const options = receptacles.filter(where);
    (pick(options.length ? options : receptacles) as (typeof receptacles)[number]).contents.push(name);
    objects.push({ name, type: kind, clean: false, hot: false, cool: false, ...extra });
  };
  // goal objects never start where they must end up (nor in the appliance that changes them)
  const start = (r: (typeof receptacles)[number]) =>
    !r.name.startsWith(target ?? "-") &&
    !["sinkbasin", "microwave", "fridge"].includes(r.name.replace(/ \d+$/, "")) &&
    r.name.replace(/ \d+$/, "") !== "garbagecan";
  const count = type === "pick_two_obj_and_place" ? 2 + Math.floor(rng() * 2) : 1 + Math.floor(rng() * 2);
  for (let i = 0; i < count; i++) place(objectType, start);
  if (lamp)
    place(lamp, (r) => ["desk", "sidetable"].includes(r.name.replace(/ \d+$/, "")), {
      lamp: true,
      on: false,
    });
  for (let i = 0; i < 8; i++) {
    const kind = pick([...foods, ...dishes, ...things].filter((k) => k !== objectType));
    place(kind, () => true);
  }
  return {
    id,
    state: {
      receptacles,
      objects,
      goal: {
        type,
        objectType,
        ...(target ? { receptacleType: target } : {}),
        ...(lamp ? { lampType: lamp } : {}),
        text: goalText(type, objectType, target, lamp, rng),
      },
    },
  };
}

/** The oracle's commands for a game, from its initial state (task-specific plans). */
export function planGame(game: Game): string[] {
  const { receptacles, goal, objects } = game.state;
  const kind = (name: string) => name.replace(/ \d+$/, "");
  const where = (object: string) =>
    receptacles.find((r) => r.contents.includes(object)) as Game["state"]["receptacles"][number];
  const opened = new Set<string>();
  const commands: string[] = [];
  let at: string | undefined;
  const goTo = (recep: Game["state"]["receptacles"][number]) => {
    if (at !== recep.name) commands.push(`go to ${recep.name}`);
    at = recep.name;
    if (recep.openable && !opened.has(recep.name)) {
      commands.push(`open ${recep.name}`);
      opened.add(recep.name);
    }
  };
  const targets = objects
    .filter((o) => o.type === goal.objectType)
    .slice(0, goal.type === "pick_two_obj_and_place" ? 2 : 1);
  const destination = receptacles.find((r) => kind(r.name) === goal.receptacleType);
  for (const object of targets) {
    const from = where(object.name);
    goTo(from);
    commands.push(`take ${object.name} from ${from.name}`);
    const appliance = {
      pick_clean_then_place: ["sinkbasin", "clean"],
      pick_heat_then_place: ["microwave", "heat"],
      pick_cool_then_place: ["fridge", "cool"],
    }[goal.type as "pick_clean_then_place"];
    if (appliance) {
      const device = receptacles.find(
        (r) => kind(r.name) === appliance[0],
      ) as Game["state"]["receptacles"][number];
      goTo(device);
      commands.push(`${appliance[1]} ${object.name} with ${device.name}`);
    }
    if (goal.type === "look_at_obj_in_light") {
      const lamp = objects.find(
        (o) => o.lamp && o.type === goal.lampType,
      ) as Game["state"]["objects"][number];
      goTo(where(lamp.name));
      commands.push(`use ${lamp.name}`);
      continue;
    }
    if (destination) {
      goTo(destination);
      commands.push(`put ${object.name} in/on ${destination.name}`);
    }
  }
  return commands;
}
