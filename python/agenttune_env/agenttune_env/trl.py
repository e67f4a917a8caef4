"""TRL's ``GRPOTrainer(environment_factory=...)`` on an agenttune OpenEnv server.

TRL makes every public method of the factory's instances a tool, calls ``reset(**row)`` before each
rollout and appends the string it returns to the last user message, and reads ``get_reward()``
(trl 1.13 trl/trainer/grpo_trainer.py:639-700, 2400-2418). Its docs advise one named method per tool
rather than a generic ``step(action)`` (docs/source/openenv.md:181-182), so ``environment_factory``
asks the server for its tools once and binds one typed, documented method per tool, whose JSON Schema
``transformers.utils.get_json_schema`` rebuilds for the chat template.
"""

from __future__ import annotations

import inspect
import json
import keyword
import re
import urllib.request
from typing import Any, Union

from .client import AgentTuneClient, AgentTuneEnvError

#: reset keys read from a dataset row; other columns (``prompt``, ...) are not the server's
RESET_KEYS = ("split", "task_id", "index", "seed", "episode_id", "action_format", "max_turns")

_JSON_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "array": list,
    "object": dict,
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _python_type(schema: dict[str, Any]) -> Any:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        types = tuple(_JSON_TYPES.get(k, str) for k in kind if k != "null")
        return Union[types] if len(types) > 1 else (types[0] if types else str)  # noqa: UP007
    return _JSON_TYPES.get(kind, str)


def _tool_method(tool: dict[str, Any]):
    """A method ``name(self, **params) -> str`` whose signature, annotations and Google-style docstring
    describe the tool, calling it on the instance's session."""
    name = tool["name"]
    schema = tool.get("input_schema") or {}
    properties: dict[str, dict[str, Any]] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    ordered = [p for p in properties if p in required] + [p for p in properties if p not in required]
    for param in ordered:
        if not _IDENTIFIER.match(param) or keyword.iskeyword(param):
            raise ValueError(f"tool {name}: parameter {param!r} is not a Python identifier")
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations: dict[str, Any] = {}
    doc_args = []
    for param in ordered:
        annotation = _python_type(properties[param])
        annotations[param] = annotation
        parameters.append(
            inspect.Parameter(
                param,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation,
                **({} if param in required else {"default": properties[param].get("default")}),
            )
        )
        description = properties[param].get("description") or param
        doc_args.append(f"    {param}: {' '.join(str(description).split())}")
    annotations["return"] = str

    def method(self, **kwargs: Any) -> str:
        return self._call_tool(name, kwargs)

    method.__name__ = name
    method.__qualname__ = f"AgentTuneEnv.{name}"
    method.__doc__ = (tool.get("description") or f"Call {name}.") + (
        "\n\nArgs:\n" + "\n".join(doc_args) if doc_args else ""
    )
    method.__annotations__ = annotations
    method.__signature__ = inspect.Signature(parameters, return_annotation=str)  # type: ignore[attr-defined]
    return method


class AgentTuneEnvBase:
    """One rollout's env: a session on the server, reused across resets."""

    base_url: str = "http://127.0.0.1:8000"
    reset_defaults: dict[str, Any] = {}

    def __init__(self) -> None:
        self._client: AgentTuneClient | None = None
        self.reward = 0.0
        self.done = False
        self.observation: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        #: the server's id of the current episode (the `id` of its results.jsonl record)
        self.episode_id: str | None = None

    def _session(self) -> AgentTuneClient:
        if self._client is None:
            self._client = AgentTuneClient(self.base_url)
        return self._client

    def reset(self, **row: Any) -> str:
        """Starts the episode the row names; returns the opening's last user turn (the task)."""
        data = {**self.reset_defaults, **{k: row[k] for k in RESET_KEYS if row.get(k) is not None}}
        try:
            result = self._session().reset(**data)
        except (AgentTuneEnvError, OSError, Exception) as error:  # a reaped or dropped session: reconnect once
            if isinstance(error, AgentTuneEnvError) and error.code not in ("SESSION_ERROR",):
                raise
            self._drop()
            result = self._session().reset(**data)
        self.reward = float(result.reward or 0.0) if result.done else 0.0
        self.done = result.done
        self.observation = result.observation
        self.episode_id = self._session().state().get("episode_id")
        self.history = [{"tool": None, "result": result.text, "reward": result.reward, "done": result.done}]
        return result.text

    def _call_tool(self, name: str, arguments: dict[str, Any]) -> str:
        if self.done:
            raise RuntimeError("the episode is over: no more tool calls")
        result = self._session().call_tool(name, arguments)
        self.done = result.done
        if result.done:
            self.reward = float(result.reward or 0.0)
        self.observation = result.observation
        self.history.append({"tool": name, "arguments": arguments, "result": result.text, "reward": result.reward, "done": result.done})
        error = result.observation.get("error")
        return f"Error: {error}" if error else result.text

    def get_reward(self) -> float:
        """The episode's reward, as agenttune scores it (0 for an episode that did not finish)."""
        return self.reward

    def _drop(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            except Exception:
                pass
        self._client = None

    def __del__(self) -> None:
        self._drop()


def environment_factory(base_url: str = "http://127.0.0.1:8000", **reset_defaults: Any) -> type:
    """A class for ``GRPOTrainer(environment_factory=...)``: one method per tool the server lists.

    ``reset_defaults`` (e.g. ``split="dev"``, ``action_format="tools"``) apply to every reset; a dataset
    row's ``split``/``task_id``/``index``/``seed`` override them.
    """
    with AgentTuneClient(base_url) as probe:
        if "split" in reset_defaults:
            probe.reset(split=reset_defaults["split"], index=0)
        tools = probe.list_tools()
    members: dict[str, Any] = {"base_url": base_url, "reset_defaults": dict(reset_defaults)}
    for tool in tools:
        if tool["name"] in ("reset", "get_reward") or not _IDENTIFIER.match(tool["name"]):
            raise ValueError(f"tool name {tool['name']!r} cannot be a method")
        members[tool["name"]] = _tool_method(tool)
    return type("AgentTuneEnv", (AgentTuneEnvBase,), members)


def _post(base_url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        base_url.rstrip("/") + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def dataset_rows(
    base_url: str = "http://127.0.0.1:8000",
    split: str | None = None,
    indices: list[int] | None = None,
    **reset_defaults: Any,
) -> list[dict[str, Any]]:
    """Rows for a TRL dataset: each task's opening as the prompt, its last user turn left empty
    because ``reset`` returns it (TRL appends it there), and the ``index``/``split`` that reset reads."""
    if indices is None:
        with urllib.request.urlopen(base_url.rstrip("/") + "/metadata", timeout=30) as response:
            splits = json.loads(response.read())["splits"]
        name = split or next(iter(splits))
        indices = list(range(splits[name]["tasks"]))
    rows = []
    for index in indices:
        data = {**reset_defaults, "index": index, **({"split": split} if split else {})}
        opening = _post(base_url, "/reset", data)["observation"]["messages"]
        prompt = [{"role": m["role"], "content": m["content"]} for m in opening]
        if prompt and prompt[-1]["role"] == "user":
            prompt[-1] = {"role": "user", "content": ""}
        rows.append({"prompt": prompt, "index": index, **({"split": split} if split else {})})
    return rows
