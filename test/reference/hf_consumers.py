"""Loads agenttune's training exports with the engines' own code and prints what they would train.

Run by src/tune/export/consumers.test.ts with a Python that has datasets, transformers and trl
(AGENTTUNE_HF_PYTHON). Input: a JSON list of specs (argv[1]), one per export. Output: a JSON list written to argv[2], per spec
  llamafactory: {loader, rows, columns, runs: [[decoded trained text, ...] per row], batch: {...}}
  trl: {rows, runs: [...], texts: [decoded input_ids per row], loss}
"""

import json
import math
import sys
from types import SimpleNamespace


def trained_runs(tokenizer, input_ids, mask):
    """Decoded runs of consecutive trained tokens."""
    runs, current = [], []
    for token, trained in zip(input_ids, mask):
        if trained:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [tokenizer.decode(run, clean_up_tokenization_spaces=False) for run in runs]


def load_tokenizer(spec):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_file=spec["tokenizer_file"],
        bos_token=spec["bos_token"] or None,
        eos_token=spec["eos_token"],
        pad_token=spec["eos_token"],
    )


def llamafactory(spec):
    """LLaMA-Factory's get_dataset with tokenized_path (loader.py:287-295) and its SFT collator."""
    tokenizer = load_tokenizer(spec)
    if spec.get("llamafactory_src"):
        if spec["llamafactory_src"] not in sys.path:
            sys.path.insert(0, spec["llamafactory_src"])
        from llamafactory.data.collator import SFTDataCollatorWith4DAttentionMask
        from llamafactory.data.loader import get_dataset
        from llamafactory.data.template import get_template_and_fix_tokenizer

        data_args = SimpleNamespace(
            tokenized_path=spec["tokenized_path"],
            streaming=False,
            template=spec["llamafactory_template"],
            tool_format=None,
            default_system=None,
            enable_thinking=True,
            preserve_thinking=False,
            train_on_prompt=False,
        )
        template = get_template_and_fix_tokenizer(tokenizer, data_args)
        # the tokenized path reads only data_args (the other arguments are for tokenizing anew)
        module = get_dataset(template, None, data_args, None, "sft", tokenizer)
        collator = SFTDataCollatorWith4DAttentionMask(
            template=template,
            model=None,
            pad_to_multiple_of=8,
            label_pad_token_id=-100,
            tokenizer=tokenizer,
            processor=None,
        )
        loader = "llamafactory.data.loader.get_dataset"
    else:
        # what loader.py:290 calls, and the base class of LLaMA-Factory's collator (collator.py)
        from datasets import load_from_disk
        from transformers import DataCollatorForSeq2Seq

        module = {"train_dataset": load_from_disk(spec["tokenized_path"])["train"]}
        collator = DataCollatorForSeq2Seq(tokenizer, pad_to_multiple_of=8, label_pad_token_id=-100)
        loader = "datasets.load_from_disk"
    train = module["train_dataset"]
    runs = [
        trained_runs(tokenizer, row["input_ids"], [label != -100 for label in row["labels"]])
        for row in train
    ]
    batch = collator([dict(train[i]) for i in range(min(3, len(train)))])
    lengths = [len(train[i]["input_ids"]) for i in range(min(3, len(train)))]
    padded_labels_ok = all(
        all(int(x) == -100 for x in batch["labels"][i][n:]) for i, n in enumerate(lengths)
    )
    return {
        "loader": loader,
        "rows": len(train),
        "columns": sorted(train.column_names),
        "runs": runs,
        "batch": {"shape": list(batch["input_ids"].shape), "padded_labels_ignored": padded_labels_ok},
    }


def trl(spec):
    """TRL's SFTTrainer with assistant_only_loss on the export, and one optimizer step."""
    from datasets import load_dataset
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import SFTConfig, SFTTrainer

    tokenizer = load_tokenizer(spec)
    model = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=16,
            intermediate_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=2,
            max_position_embeddings=65536,
            pad_token_id=tokenizer.pad_token_id,
        )
    )
    args = SFTConfig(
        output_dir=spec["output_dir"],
        assistant_only_loss=True,
        chat_template_path=spec["trl_template"],
        max_length=None,
        max_steps=1,
        per_device_train_batch_size=2,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        logging_steps=1,
    )
    dataset = load_dataset("json", data_files=spec["trl_data"], split="train")
    trainer = SFTTrainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer)
    train = trainer.train_dataset
    # TRL 1.x folds assistant_masks into a labels column (-100 off the mask); older versions keep the mask
    runs = [
        trained_runs(
            tokenizer,
            row["input_ids"],
            [label != -100 for label in row["labels"]] if "labels" in row else row["assistant_masks"],
        )
        for row in train
    ]
    # the whole rendered text: the tool list in the system turn and the tool turns, untrained, show here
    texts = [tokenizer.decode(row["input_ids"], clean_up_tokenization_spaces=False) for row in train]
    loss = trainer.train().training_loss
    return {"rows": len(train), "runs": runs, "texts": texts, "loss": loss if math.isfinite(loss) else None}


def main():
    specs = json.load(open(sys.argv[1], encoding="utf-8"))
    result = [{"llamafactory": llamafactory(spec), "trl": trl(spec)} for spec in specs]
    # a file, not stdout: the libraries print progress and notices there
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
