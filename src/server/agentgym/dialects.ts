// AgentGym's env servers do not share field names: each of its clients (WooooDyy/AgentGym@3ef9235d
// agentenv/agentenv/envs/<env>.py) has its own id key, reset key and step reply. A dialect is one
// env's, so that its client, and AgentGym-RL, which builds those clients per task name
// (AgentGym-RL verl/utils/agentgym/client.py:22-48), runs against agenttune unchanged.

/** What one AgentGym step or reset gives back, before a dialect shapes it. */
export interface GymStep {
  observation: string;
  reward: number;
  done: boolean;
}

export interface Dialect {
  /** The body/query key naming the env instance (`env_idx` or `id`). */
  idKey: "env_idx" | "id";
  /** POST /create's answer for a new instance. */
  created(id: number): unknown;
  /** The reset body's key of the item (task index). */
  itemKey: string;
  reset(first: GymStep): unknown;
  step(result: GymStep): unknown;
  /** The client's action (already parsed out of the model's text by its adapter) as the env's reply. */
  reply(action: string): string;
  /** GET /available_actions: the clients read only its shape. */
  availableActions: unknown;
}

// The clients' adapters send the bare action; a text that already carries the env's marker is kept.
const prefixed = (marker: RegExp, prefix: string) => (action: string) =>
  marker.test(action) ? action : `${prefix}${action}`;

/** The servers built on agentenv-webshop's template (webshop, sqlgym): int ids named env_idx, reset →
 * [observation, null], step → {state, reward, done, info} (agentenv-webshop server.py:31-103). */
const envIdxShape = {
  idKey: "env_idx",
  created: (id) => id,
  reset: (first) => [first.observation, null],
  step: (r) => ({ state: r.observation, reward: r.reward, done: r.done, info: null }),
} satisfies Pick<Dialect, "idKey" | "created" | "reset" | "step">;

export const dialects: Record<string, Dialect> = {
  // webshop.py:150-240: reset {session_id}, then GET /observation
  webshop: {
    ...envIdxShape,
    itemKey: "session_id",
    reply: prefixed(/Action:/, "Action:\n"),
    availableActions: { has_search_bar: false, clickables: [] },
  },
  // alfworld.py: create → {id}, {id}, reset {game, world_type} → {observation, available_actions},
  // step → {observation, available_actions, reward, done}
  alfworld: {
    idKey: "id",
    created: (id) => ({ id }),
    itemKey: "game",
    reset: (first) => ({ observation: first.observation, available_actions: [], reward: 0, done: false }),
    step: (r) => ({ observation: r.observation, available_actions: [], reward: r.reward, done: r.done }),
    reply: prefixed(/ACTION:/, "ACTION: "),
    availableActions: [],
  },
  // sciworld.py: create → {id}, {id}, reset {data_idx} → {task_description, observation}, step →
  // {observation, reward, score, done} (the client takes `score` as the reward)
  sciworld: {
    idKey: "id",
    created: (id) => ({ id }),
    itemKey: "data_idx",
    reset: (first) => ({
      task_description: "",
      observation: first.observation,
      reward: 0,
      score: 0,
      done: false,
    }),
    step: (r) => ({ observation: r.observation, reward: r.reward, score: r.reward, done: r.done }),
    reply: prefixed(/Action:|Think:/, "Action: "),
    availableActions: [],
  },
  // sqlgym.py: reset {item_id}; its client sends the SQL from the reply's ```sql block, or the whole
  // reply without one
  db: {
    ...envIdxShape,
    itemKey: "item_id",
    reply: (action) =>
      /Action:\s*(Operation|Answer)/.test(action)
        ? action
        : `Action: Operation\n\`\`\`sql\n${action}\n\`\`\``,
    availableActions: [],
  },
};
