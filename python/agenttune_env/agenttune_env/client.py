"""A synchronous client of OpenEnv's WS /ws protocol as ``agenttune serve --openenv`` speaks it.

Frames (huggingface/OpenEnv@385de5eb src/openenv/core/env_server/http_server.py:1309-1518):
``{"type": "reset"|"step"|"state"|"close"|"mcp", "data": ...}`` in, ``{"type": "observation"|"state"|
"error"|"mcp", "data": ...}`` out, one message in flight per connection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from websockets.sync.client import connect


class AgentTuneEnvError(RuntimeError):
    """An error frame from the server: ``code`` is one of OpenEnv's WSErrorCode values."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class StepResult:
    observation: dict[str, Any]
    reward: float | None
    done: bool
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What the agent sees next (the tool's result, the env's reply)."""
        return str(self.observation.get("text") or "")


def ws_url(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    return base if base.endswith("/ws") else base + "/ws"


class AgentTuneClient:
    """One session (one env instance) on an agenttune OpenEnv server."""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        connect_timeout_s: float = 10.0,
        message_timeout_s: float = 60.0,
        max_message_mb: int = 100,
    ):
        # the timeouts are OpenEnv's EnvClient defaults (env_client.py:103-108)
        self.base_url = base_url
        self.message_timeout_s = message_timeout_s
        self._ws = connect(
            ws_url(base_url),
            open_timeout=connect_timeout_s,
            max_size=max_message_mb * 1024 * 1024,
        )
        self._closed = False

    def _request(self, type_: str, data: Any = None) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": type_}
        if data is not None:
            frame["data"] = data
        self._ws.send(json.dumps(frame))
        reply = json.loads(self._ws.recv(timeout=self.message_timeout_s))
        if reply.get("type") == "error":
            data = reply.get("data") or {}
            raise AgentTuneEnvError(str(data.get("code")), str(data.get("message")))
        return reply

    def reset(self, **data: Any) -> StepResult:
        """Starts an episode: ``split``, ``task_id`` | ``index`` | ``seed``, ``episode_id``, ``action_format``."""
        payload = self._request("reset", data)["data"]
        return StepResult(payload["observation"], payload.get("reward"), bool(payload["done"]), payload)

    def step(self, action: dict[str, Any]) -> StepResult:
        payload = self._request("step", action)["data"]
        return StepResult(payload["observation"], payload.get("reward"), bool(payload["done"]), payload)

    def list_tools(self) -> list[dict[str, Any]]:
        return list(self.step({"type": "list_tools"}).observation.get("tools") or [])

    def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> StepResult:
        return self.step({"type": "call_tool", "tool_name": name, "arguments": arguments or {}})

    def reply(self, content: str) -> StepResult:
        """A text action: the model's whole reply in the env's own format."""
        return self.step({"type": "reply", "content": content})

    def state(self) -> dict[str, Any]:
        return self._request("state")["data"]

    def close(self) -> None:
        """Ends the session; the server frees its env (sandbox, database) at once."""
        if self._closed:
            return
        self._closed = True
        try:
            self._ws.send(json.dumps({"type": "close"}))
        except Exception:
            pass
        self._ws.close()

    def __enter__(self) -> "AgentTuneClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
