"""Drives an agenttune OpenEnv server through a Python client, one command per stdin line, so a test
written in TypeScript can play episodes whose every frame goes through that client's own code.

Usage: openenv_bridge.py BASE_URL CLIENT, CLIENT one of
  agenttune: agenttune_env.AgentTuneClient (python/agenttune_env, on PYTHONPATH)
  openenv:   OpenEnv's GenericEnvClient(...).sync() (huggingface/OpenEnv src/openenv/core/generic_client.py:92-109,
             sync_client.py:160-211)
Commands (JSON lines): {"op": "connect"} | {"op": "reset", "data": {...}} | {"op": "step", "data": {...}}
| {"op": "state"} | {"op": "close"}. Replies (JSON lines): {"observation", "reward", "done"} for reset and step,
{"state": {...}} for state, {"ok": true} otherwise, or {"error": "<type>: <message>"}.
"""

from __future__ import annotations

import json
import sys


def open_client(base_url: str, kind: str):
    if kind == "agenttune":
        from agenttune_env import AgentTuneClient

        client = AgentTuneClient(base_url)
        return {
            "reset": lambda data: _result(client.reset(**data)),
            "step": lambda data: _result(client.step(data)),
            "state": client.state,
            "close": client.close,
        }
    if kind == "openenv":
        from openenv import GenericEnvClient

        client = GenericEnvClient(base_url=base_url).sync()
        client.connect()
        return {
            "reset": lambda data: _result(client.reset(**data)),
            "step": lambda data: _result(client.step(data)),
            "state": lambda: dict(client.state()),
            "close": client.close,
        }
    raise SystemExit(f"unknown client {kind!r}: expected agenttune or openenv")


def _result(result) -> dict:
    return {"observation": result.observation, "reward": result.reward, "done": bool(result.done)}


def main() -> None:
    base_url, kind = sys.argv[1], sys.argv[2]
    client = None
    for line in sys.stdin:
        command = json.loads(line)
        op = command["op"]
        try:
            if op == "connect":
                client = open_client(base_url, kind)
                reply = {"ok": True}
            elif op in ("reset", "step"):
                reply = client[op](command.get("data") or {})
            elif op == "state":
                reply = {"state": client["state"]()}
            elif op == "close":
                client["close"]()
                client = None
                reply = {"ok": True}
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception as error:  # the test reads the client's own error
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
