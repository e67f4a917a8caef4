"""TRL's GRPOTrainer trained against a running `agenttune serve --openenv` with the shipped
environment_factory (python/agenttune_env), on CPU with a tiny random Llama.

The model is real (LlamaForCausalLM, trained by TRL's own loss), but its generation is steered: a logits
processor adds a large bias to the next token of a scripted completion per task, so rollouts are known
tool calls and some solve their task while others do not. Scripts come from the test (argv[1]):
{"base_url", "tokenizer_dir", "split", "output_dir", "max_steps",
 "scripts": [{"marker": <text unique to the task's prompt>, "solve": [<assistant text>...], "fail": [...]}]}
An even row of a generation batch follows "solve", an odd row "fail". Written to argv[2]: the global step,
per rollout the episode id and the reward TRL computed from get_reward(), and per rollout the token ids
TRL built with its tool mask (grpo_trainer.py:_tool_call_loop builds tool_mask: 0 for tool results).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")

import torch  # noqa: E402
import trl  # noqa: E402
from datasets import Dataset  # noqa: E402
from transformers import (  # noqa: E402
    LlamaConfig,
    LlamaForCausalLM,
    LogitsProcessor,
    LogitsProcessorList,
    PreTrainedTokenizerFast,
)
from trl import GRPOConfig, GRPOTrainer  # noqa: E402

from agenttune_env.trl import dataset_rows, environment_factory  # noqa: E402

class ScriptedCompletions(LogitsProcessor):
    """Forces each row's next token from its task's script: which task by the marker in the prompt, which
    turn by the tool responses after it, which script by the row's parity at the first turn (then by the
    text of that turn)."""

    def __init__(self, tokenizer, scripts):
        self.tokenizer = tokenizer
        self.scripts = scripts
        self.end = tokenizer.convert_tokens_to_ids("<|im_end|>")
        self.start = 0  # the (left-padded) prompt length of the current generate call

    def script(self, row: int, text: str) -> list[int] | None:
        for script in self.scripts:
            at = text.find(script["marker"])
            if at < 0:
                continue
            turn = text.count("<tool_response>", at)
            if turn == 0:
                variant = "solve" if row % 2 == 0 else "fail"
            else:
                variant = "fail" if script["fail"][0] in text[at:] else "solve"
            turns = script[variant]
            return self.tokenizer.encode(turns[min(turn, len(turns) - 1)], add_special_tokens=False) + [self.end]
        return None

    def __call__(self, input_ids, scores):
        for row in range(input_ids.shape[0]):
            ids = input_ids[row].tolist()
            ids_text = self.tokenizer.decode(ids, skip_special_tokens=False)
            target = self.script(row, ids_text)
            if target is None:
                continue
            done = len(ids) - self.start
            scores[row, target[min(done, len(target) - 1)]] += 1e4
        return scores


class ScriptedLlama(LlamaForCausalLM):
    processor: ScriptedCompletions | None = None

    def generate(self, *args, **kwargs):
        if self.processor is not None:
            self.processor.start = kwargs["input_ids"].shape[1]
            kwargs["logits_processor"] = LogitsProcessorList([self.processor])
        return super().generate(*args, **kwargs)


class RecordingTrainer(GRPOTrainer):
    """Keeps, per rollout, the episode id, TRL's reward and the token ids with their tool mask."""

    records: list[dict] = []

    def _generate_and_score_completions(self, inputs):
        output = super()._generate_and_score_completions(inputs)
        rewards = list(self._logs["rewards"]["AgentTuneEnv"])[-len(inputs) :]
        completion_ids = output["completion_ids"]
        completion_mask = output["completion_mask"]
        tool_mask = output.get("tool_mask")
        for i, env in enumerate(self.environments):
            length = int(completion_mask[i].sum())
            ids = completion_ids[i][:length].tolist()
            mask = tool_mask[i][:length].tolist() if tool_mask is not None else [1] * length
            self.records.append(
                {
                    "episode_id": env.episode_id,
                    "reward": rewards[i],
                    "env_reward": env.get_reward(),
                    "masked_text": self.processing_class.decode([t for t, m in zip(ids, mask) if m == 0]),
                    "model_text": self.processing_class.decode([t for t, m in zip(ids, mask) if m == 1]),
                    "tool_results": [h["result"] for h in env.history[1:] if not h["done"]],
                }
            )
        return output


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    torch.manual_seed(0)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(spec["tokenizer_dir"])
    # TRL's own Qwen3 template: add_response_schema recognizes it and parses <tool_call> blocks
    tokenizer.chat_template = (Path(trl.__file__).parent / "chat_templates" / "qwen3.jinja").read_text()
    tokenizer.eos_token = "<|im_end|>"
    tokenizer.pad_token = "<s>"
    model = ScriptedLlama(
        LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=2,
            max_position_embeddings=65536,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
    )
    model.processor = ScriptedCompletions(tokenizer, spec["scripts"])
    factory = environment_factory(spec["base_url"], split=spec["split"])
    rows = dataset_rows(spec["base_url"], split=spec["split"], indices=list(range(len(spec["scripts"]))))
    args = GRPOConfig(
        output_dir=spec["output_dir"],
        num_generations=2,
        per_device_train_batch_size=2,
        max_steps=spec["max_steps"],
        max_completion_length=1024,
        max_tool_calling_iterations=4,
        learning_rate=1e-3,
        use_cpu=True,
        report_to=[],
        save_strategy="no",
        logging_steps=1,
        seed=0,
        chat_template_kwargs={"enable_thinking": False},
    )
    trainer = RecordingTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        environment_factory=factory,
    )
    trainer.train()
    result = {
        "global_step": trainer.state.global_step,
        "losses": [log["loss"] for log in trainer.state.log_history if "loss" in log],
        "records": RecordingTrainer.records,
    }
    Path(sys.argv[2]).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
