"""Plays episodes with AgentGym's own env clients (agentenv.envs, a checkout named by PYTHONPATH).

Reads one JSON object from stdin: {"base": URL, "episodes": [{"env", "item", "texts": [model text…]}]}
and prints one JSON line per episode: {"env", "item", "rewards", "done", "first"}. Each client is
built, reset, stepped and closed as AgentGym-RL's rollout does (verl/workers/rollout/
agent_vllm_rollout/vllm_rollout.py:195-272, 345-348): the client parses the model's text itself.
"""

import json
import sys

from agentenv.envs.alfworld import AlfWorldEnvClient
from agentenv.envs.sciworld import SciworldEnvClient
from agentenv.envs.sqlgym import SqlGymEnvClient
from agentenv.envs.webshop import WebshopEnvClient

CLIENTS = {
    "webshop": WebshopEnvClient,
    "alfworld": AlfWorldEnvClient,
    "sciworld": SciworldEnvClient,
    "db": SqlGymEnvClient,
}

request = json.load(sys.stdin)
for episode in request["episodes"]:
    env = episode["env"]
    client = CLIENTS[env](env_server_base=f"{request['base']}/agentgym/{env}", data_len=1, timeout=60)
    client.reset(episode["item"])
    first = client.observe()
    rewards, done = [], False
    for text in episode["texts"]:
        out = client.step(text)
        rewards.append(out.reward)
        done = out.done
    if hasattr(client, "close"):
        client.close()
    print(json.dumps({"env": env, "item": episode["item"], "rewards": rewards, "done": done,
                      "first": first if isinstance(first, str) else json.dumps(first)}), flush=True)
