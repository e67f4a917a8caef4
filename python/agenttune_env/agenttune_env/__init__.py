"""agenttune's environments for RL trainers.

Start a server with ``agenttune serve --openenv --task dev=db:dev.jsonl``, then:

- ``AgentTuneClient(url)``: the OpenEnv ``/ws`` protocol, one episode per connection;
- ``agenttune_env.trl.environment_factory(url)``: a class for TRL's ``GRPOTrainer(environment_factory=...)``
  with one method per tool the server lists;
- ``agenttune_env.verifiers.load_environment(base_url=url)``: a verifiers environment.
"""

from .client import AgentTuneClient, AgentTuneEnvError, StepResult

__all__ = ["AgentTuneClient", "AgentTuneEnvError", "StepResult"]
