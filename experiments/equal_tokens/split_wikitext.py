#!/usr/bin/env python3
"""Split the word-level WikiText-2 validation text into its articles (a line " = Title = "
starts one) and write the first ones as training documents and the last ones as the held-out
set: TRAIN.jsonl ({"text": article} per line, for pollux-prepare), HELDOUT.txt (the held-out
articles as one text, for a token file) and TASKS/wikitext.jsonl ({"page": article}, the
field lm-evaluation-harness's wikitext task reads, for pollux-eval --tasks wikitext).

usage: split_wikitext.py WIKITEXT.txt --heldout N --train TRAIN.jsonl --heldout_text HELDOUT.txt --task_dir TASKS
"""
import argparse
import json
import os
import re
import sys


def articles(text):
    pages, current = [], None
    for line in text.split("\n"):
        if re.match(r"^ = [^=].* = $", line):
            if current is not None:
                pages.append("\n".join(current))
            current = [line]
        elif current is not None:
            current.append(line)
    if current is not None:
        pages.append("\n".join(current))
    return pages


def main():
    p = argparse.ArgumentParser()
    p.add_argument("wikitext")
    p.add_argument("--heldout", type=int, required=True, help="the last N articles are held out")
    p.add_argument("--train", required=True)
    p.add_argument("--heldout_text", required=True)
    p.add_argument("--task_dir", required=True)
    a = p.parse_args()
    with open(a.wikitext, encoding="utf-8") as f:
        pages = articles(f.read())
    if not 0 < a.heldout < len(pages):
        sys.exit(f"split_wikitext: error: --heldout {a.heldout}: {a.wikitext} has {len(pages)} articles")
    train, heldout = pages[: -a.heldout], pages[-a.heldout :]
    with open(a.train, "w", encoding="utf-8") as f:
        for page in train:
            f.write(json.dumps({"text": page}) + "\n")
    with open(a.heldout_text, "w", encoding="utf-8") as f:
        f.write("\n".join(heldout))
    os.makedirs(a.task_dir, exist_ok=True)
    with open(os.path.join(a.task_dir, "wikitext.jsonl"), "w", encoding="utf-8") as f:
        for page in heldout:
            f.write(json.dumps({"page": page}) + "\n")
    print(f"{len(train)} training articles, {len(heldout)} held out ({sum(map(len, heldout))} characters)")


if __name__ == "__main__":
    main()
