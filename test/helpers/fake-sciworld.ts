// A scripted ScienceWorld server for the sciworld tests: two rooms, a plant, a rock, and the task
// "find a plant" (focus on the plant in the greenhouse; focusing on the rock fails the task). It
// speaks both dialects the client knows (agenttune's /load, /valid_actions, /look, /inventory and
// AgentGym's /reset with data_idx) and counts the steps it is asked to take.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

interface World {
  room: "hallway" | "greenhouse";
  doorOpen: boolean;
  score: number;
  done: boolean;
  holding: string[];
}

export interface FakeSciworld {
  url: string;
  /** Every action /step received, in order. */
  steps: string[];
  loads: unknown[];
  close(): Promise<void>;
}

const look = (w: World) =>
  w.room === "hallway"
    ? `This room is called the hallway. In it, you see: \n\tthe agent\n\ta rock\nYou also see:\n\tA door to the greenhouse (that is ${w.doorOpen ? "open" : "closed"})`
    : "This room is called the greenhouse. In it, you see: \n\tthe agent\n\ta plant\nYou also see:\n\tA door to the hallway (that is open)";

const validActions = (w: World) =>
  w.room === "hallway"
    ? [
        "look around",
        "inventory",
        "open door to greenhouse",
        "close door to greenhouse",
        "go to greenhouse",
        "pick up rock",
        "focus on rock",
        "focus on agent",
      ]
    : ["look around", "inventory", "go to hallway", "pick up plant", "focus on plant", "focus on air"];

function act(w: World, action: string): string {
  if (w.done) return "The task has finished.";
  switch (action) {
    case "look around":
      return look(w);
    case "inventory":
      return `In your inventory, you see:\n\t${w.holding.length ? w.holding.join("\n\t") : "nothing"}`;
    case "open door to greenhouse":
      if (w.room !== "hallway") return "No known action matches that input.";
      w.doorOpen = true;
      w.score = Math.max(w.score, 25);
      return "The door is now open.";
    case "go to greenhouse":
      if (w.room !== "hallway") return "No known action matches that input.";
      if (!w.doorOpen) return "You can't move there, the door is closed.";
      w.room = "greenhouse";
      w.score = Math.max(w.score, 50);
      return "You move to the greenhouse.";
    case "go to hallway":
      if (w.room !== "greenhouse") return "No known action matches that input.";
      w.room = "hallway";
      return "You move to the hallway.";
    case "focus on plant":
      if (w.room !== "greenhouse") return "No known action matches that input.";
      w.score = 100;
      w.done = true;
      return "You focus on the plant.";
    case "focus on rock":
      if (w.room !== "hallway") return "No known action matches that input.";
      w.score = -100;
      w.done = true;
      return "You focus on the rock.";
    case "pick up rock":
      if (w.room !== "hallway" || w.holding.includes("rock")) return "No known action matches that input.";
      w.holding.push("rock");
      return "You move the rock to the inventory.";
    default:
      return "No known action matches that input.";
  }
}

export async function startFakeSciworld(): Promise<FakeSciworld> {
  const worlds = new Map<number, World>();
  const steps: string[] = [];
  const loads: unknown[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const send = (value: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const route = new URL(req.url ?? "/", "http://x").pathname;
      if (route === "/create") {
        worlds.set(next, { room: "hallway", doorOpen: false, score: 0, done: false, holding: [] });
        return send({ id: next++ });
      }
      const world = worlds.get(input.id as number);
      if (!world) return send({ error: `no environment ${String(input.id)}` });
      const description =
        "Task Description:\nYour task is to find a(n) plant. First, focus on the thing. Then, move it to the red box in the greenhouse.";
      switch (route) {
        case "/load":
        case "/reset":
          loads.push(input);
          Object.assign(world, { room: "hallway", doorOpen: false, score: 0, done: false, holding: [] });
          return send({
            task_name: "find-plant",
            task_description: description,
            observation: look(world),
            score: 0,
            done: false,
          });
        case "/step": {
          if (world.done) return send({ error: "The environment has finished." });
          steps.push(String(input.action));
          const observation = act(world, String(input.action));
          return send({ observation, reward: 0, score: world.score, done: world.done });
        }
        case "/valid_actions":
          return send({ valid_actions: validActions(world) });
        case "/look":
          return send({ observation: look(world) });
        case "/inventory":
          return send({ observation: act(world, "inventory") });
        case "/close":
          worlds.delete(input.id as number);
          return send(true);
        default:
          return send({ error: `no route ${route}` });
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    steps,
    loads,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
