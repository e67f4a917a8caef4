"""Reads a sharegpt export with LLaMA-Factory's own dataset code: its dataset_info parser
(data/parser.py get_dataset_list), its sharegpt converter (data/converter.py) and its template's
multi-turn encoding (data/template.py encode_multiturn), with tools and function-call turns.

argv: llamafactory_src, spec.json, out.json. spec: {dataset_dir, dataset, template, tokenizer_file,
bos_token, eos_token}. Out: per record {skipped, roles, text}, text decoded from the encoded turns.
"""

import json
import sys
from types import SimpleNamespace


def main():
    sys.path.insert(0, sys.argv[1])
    spec = json.load(open(sys.argv[2], encoding="utf-8"))
    from datasets import load_dataset
    from hf_consumers import load_tokenizer  # this folder: the same tokenizer set-up as the other check

    from llamafactory.data.converter import get_dataset_converter
    from llamafactory.data.parser import get_dataset_list
    from llamafactory.data.template import get_template_and_fix_tokenizer

    tokenizer = load_tokenizer(spec)
    data_args = SimpleNamespace(
        template=spec["template"],
        tool_format=None,
        default_system=None,
        enable_thinking=True,
        preserve_thinking=False,
        train_on_prompt=False,
        media_dir=spec["dataset_dir"],
    )
    template = get_template_and_fix_tokenizer(tokenizer, data_args)
    [attr] = get_dataset_list([spec["dataset"]], spec["dataset_dir"])
    # loader.py reads a local JSON file with datasets' "json" builder
    dataset = load_dataset("json", data_files=f"{spec['dataset_dir']}/{attr.dataset_name}", split="train")
    converter = get_dataset_converter(attr.formatting, attr, data_args)
    out = []
    for example in dataset:
        aligned = converter(example)
        messages = aligned["_prompt"] + aligned["_response"]
        if not messages:
            out.append({"skipped": True, "roles": [], "text": ""})
            continue
        pairs = template.encode_multiturn(tokenizer, messages, aligned["_system"], aligned["_tools"] or None)
        ids = [i for source, target in pairs for i in source + target]
        out.append(
            {
                "skipped": False,
                "roles": [m["role"] for m in messages],
                "text": tokenizer.decode(ids, clean_up_tokenization_spaces=False),
            }
        )
    with open(sys.argv[3], "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
