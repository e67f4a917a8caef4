// ALFWorld's household text world in TypeScript: receptacles (some openable) holding objects, the
// agent's location and one-object inventory, states (clean/hot/cool, lamps on), ALFWorld's command
// grammar and observation wording, the admissible commands, and the six task types' goal checks.
export type TaskType =
  | "pick_and_place"
  | "pick_clean_then_place"
  | "pick_heat_then_place"
  | "pick_cool_then_place"
  | "look_at_obj_in_light"
  | "pick_two_obj_and_place";

export const taskTypes: readonly TaskType[] = [
  "pick_and_place",
  "pick_clean_then_place",
  "pick_heat_then_place",
  "pick_cool_then_place",
  "look_at_obj_in_light",
  "pick_two_obj_and_place",
];

export interface Receptacle {
  name: string; // "fridge 1"
  openable: boolean;
  open: boolean;
  contents: string[]; // object names
}

export interface GameObject {
  name: string; // "apple 1"
  type: string; // "apple"
  clean: boolean;
  hot: boolean;
  cool: boolean;
  /** Lamps only. */
  on?: boolean;
  lamp?: boolean;
}

export interface Goal {
  type: TaskType;
  objectType: string;
  /** Receptacle type to place in, e.g. "fridge" (any instance counts). */
  receptacleType?: string;
  /** look_at_obj_in_light: the lamp type. */
  lampType?: string;
  text: string;
}

export interface GameState {
  receptacles: Receptacle[];
  objects: GameObject[];
  goal: Goal;
}

const typeOf = (name: string) => name.replace(/ \d+$/, "");
const article = (name: string) => `a ${name}`;

function listing(items: readonly string[]): string {
  if (items.length === 0) return "nothing";
  const parts = items.map(article);
  return parts.length === 1 ? (parts[0] as string) : `${parts.slice(0, -1).join(", ")}, and ${parts.at(-1)}`;
}

export class World {
  location: string | undefined;
  holding: string | undefined;
  private readonly recepByName: Map<string, Receptacle>;
  private readonly objByName: Map<string, GameObject>;
  /** Locations get numbers in the order the agent first arrives ("You arrive at loc N."). */
  private readonly locNumbers = new Map<string, number>();
  won = false;
  /** look_at_obj_in_light: whether the goal object was examined under a lit lamp. */
  private lookedInLight = false;

  constructor(readonly state: GameState) {
    this.recepByName = new Map(state.receptacles.map((r) => [r.name, r]));
    this.objByName = new Map(state.objects.map((o) => [o.name, o]));
  }

  intro(): string {
    const names = this.state.receptacles.map((r) => r.name);
    return `-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly around you, you see ${listing(names)}.\n\nYour task is to: ${this.state.goal.text}`;
  }

  private here(): Receptacle | undefined {
    return this.location ? this.recepByName.get(this.location) : undefined;
  }

  private visible(r: Receptacle): boolean {
    return !r.openable || r.open;
  }

  /** Every command that does something in this state, in ALFWorld's grammar. */
  admissibleCommands(): string[] {
    const commands = ["look", "inventory"];
    for (const r of this.state.receptacles) if (r.name !== this.location) commands.push(`go to ${r.name}`);
    const here = this.here();
    if (here) {
      if (here.openable) commands.push(here.open ? `close ${here.name}` : `open ${here.name}`);
      commands.push(`examine ${here.name}`);
      if (this.visible(here) && !this.holding)
        for (const o of here.contents) commands.push(`take ${o} from ${here.name}`);
      if (this.holding && this.visible(here)) {
        commands.push(`put ${this.holding} in/on ${here.name}`);
        const kind = typeOf(here.name);
        if (kind === "sinkbasin") commands.push(`clean ${this.holding} with ${here.name}`);
        if (kind === "microwave") commands.push(`heat ${this.holding} with ${here.name}`);
        if (kind === "fridge") commands.push(`cool ${this.holding} with ${here.name}`);
      }
      if (this.visible(here)) {
        for (const o of here.contents) {
          const obj = this.objByName.get(o);
          if (obj?.lamp) commands.push(`use ${o}`);
        }
      }
    }
    if (this.holding) commands.push(`examine ${this.holding}`);
    return commands;
  }

  /** Executes one command; invalid ones answer "Nothing happens." as ALFWorld does. */
  step(input: string): string {
    const command = input.trim().toLowerCase().replace(/\s+/g, " ").slice(0, 500);
    const observation = this.apply(command);
    this.checkGoal();
    return observation;
  }

  private apply(command: string): string {
    const nothing = "Nothing happens.";
    if (command === "look") {
      const here = this.here();
      return here
        ? `You are facing the ${here.name}. Next to it, you see nothing.`
        : "You are in the middle of a room. Looking quickly around you, you see nothing.";
    }
    if (command === "inventory")
      return this.holding ? `You are carrying: ${article(this.holding)}.` : "You are not carrying anything.";
    let m: RegExpExecArray | null = /^go to (.+)$/.exec(command);
    if (m) {
      const target = this.recepByName.get(m[1] ?? "");
      if (!target || target.name === this.location) return nothing;
      this.location = target.name;
      if (!this.locNumbers.has(target.name)) this.locNumbers.set(target.name, this.locNumbers.size + 1);
      const prefix = `You arrive at loc ${this.locNumbers.get(target.name)}. `;
      if (!this.visible(target)) return `${prefix}The ${target.name} is closed.`;
      return `${prefix}On the ${target.name}, you see ${listing(target.contents)}.`;
    }
    m = /^(open|close) (.+)$/.exec(command);
    if (m) {
      const target = this.here();
      if (!target || target.name !== m[2] || !target.openable) return nothing;
      if (m[1] === "open") {
        if (target.open) return nothing;
        target.open = true;
        return `You open the ${target.name}. The ${target.name} is open. In it, you see ${listing(target.contents)}.`;
      }
      if (!target.open) return nothing;
      target.open = false;
      return `You close the ${target.name}.`;
    }
    m = /^take (.+) from (.+)$/.exec(command);
    if (m) {
      const here = this.here();
      const object = m[1] ?? "";
      if (
        this.holding ||
        !here ||
        here.name !== m[2] ||
        !this.visible(here) ||
        !here.contents.includes(object)
      )
        return nothing;
      here.contents = here.contents.filter((o) => o !== object);
      this.holding = object;
      return `You pick up the ${object} from the ${here.name}.`;
    }
    m = /^put (.+) in\/on (.+)$/.exec(command);
    if (m) {
      const here = this.here();
      if (!this.holding || this.holding !== m[1] || !here || here.name !== m[2] || !this.visible(here))
        return nothing;
      here.contents.push(this.holding);
      const object = this.holding;
      this.holding = undefined;
      return `You put the ${object} in/on the ${here.name}.`;
    }
    m = /^(clean|heat|cool) (.+) with (.+)$/.exec(command);
    if (m) {
      const here = this.here();
      const needed = { clean: "sinkbasin", heat: "microwave", cool: "fridge" }[
        m[1] as "clean" | "heat" | "cool"
      ];
      if (
        !this.holding ||
        this.holding !== m[2] ||
        !here ||
        here.name !== m[3] ||
        typeOf(here.name) !== needed ||
        !this.visible(here)
      )
        return nothing;
      const object = this.objByName.get(this.holding) as GameObject;
      if (m[1] === "clean") object.clean = true;
      if (m[1] === "heat") object.hot = true;
      if (m[1] === "cool") object.cool = true;
      return `You ${m[1]} the ${object.name} using the ${here.name}.`;
    }
    m = /^use (.+)$/.exec(command);
    if (m) {
      const here = this.here();
      const lamp = this.objByName.get(m[1] ?? "");
      if (!lamp?.lamp || !here?.contents.includes(lamp.name) || !this.visible(here)) return nothing;
      lamp.on = true;
      if (
        this.holding &&
        typeOf(this.holding) === this.state.goal.objectType &&
        typeOf(lamp.name) === this.state.goal.lampType
      )
        this.lookedInLight = true;
      return `You turn on the ${lamp.name}.`;
    }
    m = /^examine (.+)$/.exec(command);
    if (m) {
      const name = m[1] ?? "";
      const recep = this.recepByName.get(name);
      if (recep && recep.name === this.location) {
        return this.visible(recep)
          ? `On the ${recep.name}, you see ${listing(recep.contents)}.`
          : `The ${recep.name} is closed.`;
      }
      if (this.holding === name) {
        const here = this.here();
        const lit = here?.contents.some(
          (o) =>
            this.objByName.get(o)?.lamp &&
            this.objByName.get(o)?.on &&
            typeOf(o) === this.state.goal.lampType,
        );
        if (lit && typeOf(name) === this.state.goal.objectType) this.lookedInLight = true;
        return `There's nothing special about ${name}.`;
      }
      return nothing;
    }
    return nothing;
  }

  private checkGoal(): void {
    const { goal } = this.state;
    const placed = (predicate: (o: GameObject) => boolean) =>
      this.state.receptacles
        .filter((r) => typeOf(r.name) === goal.receptacleType)
        .flatMap((r) => r.contents)
        .map((o) => this.objByName.get(o) as GameObject)
        .filter((o) => o.type === goal.objectType && predicate(o)).length;
    switch (goal.type) {
      case "pick_and_place":
        this.won = placed(() => true) >= 1;
        break;
      case "pick_clean_then_place":
        this.won = placed((o) => o.clean) >= 1;
        break;
      case "pick_heat_then_place":
        this.won = placed((o) => o.hot) >= 1;
        break;
      case "pick_cool_then_place":
        this.won = placed((o) => o.cool) >= 1;
        break;
      case "pick_two_obj_and_place":
        this.won = placed(() => true) >= 2;
        break;
      case "look_at_obj_in_light":
        this.won = this.lookedInLight;
        break;
    }
  }
}
