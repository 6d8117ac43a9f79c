#!/usr/bin/env python3
"""Split the word-level WikiText-2 validation text into its articles (a line " = Title = "
starts one) and write the first ones as training documents, the M before the last N as the
validation set the sweeps choose settings on, and the last N as the held-out set: TRAIN.jsonl
({"text": article} per line, for pollux-prepare), VALIDATION.txt and HELDOUT.txt (those
articles as one text each, for token files) and TASKS/wikitext.jsonl ({"page": article}, the
field lm-evaluation-harness's wikitext task reads, for pollux-eval --tasks wikitext). No
article is in two of the three sets. --heldout 0 holds out every article (the paper profile,
which trains on other text): no training or validation file is written.

usage: split_wikitext.py WIKITEXT.txt --heldout N [--validation M] [--train TRAIN.jsonl]
           [--validation_text VALIDATION.txt] --heldout_text HELDOUT.txt --task_dir TASKS
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


def write_text(path, pages):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(pages))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("wikitext")
    p.add_argument("--heldout", type=int, required=True, help="the last N articles are held out (0: all of them)")
    p.add_argument("--validation", type=int, default=0, help="the M articles before them are the validation set")
    p.add_argument("--train")
    p.add_argument("--validation_text")
    p.add_argument("--heldout_text", required=True)
    p.add_argument("--task_dir", required=True)
    a = p.parse_args()
    with open(a.wikitext, encoding="utf-8") as f:
        pages = articles(f.read())
    heldout_count = a.heldout or len(pages)
    if not 0 < heldout_count + a.validation <= len(pages) or a.validation < 0:
        sys.exit(f"split_wikitext: error: --heldout {a.heldout} --validation {a.validation}: {a.wikitext} has {len(pages)} articles")
    if (a.validation > 0) != bool(a.validation_text):
        sys.exit("split_wikitext: error: --validation M and --validation_text go together")
    if heldout_count + a.validation < len(pages) and not a.train:
        sys.exit("split_wikitext: error: --train is needed when articles are left for training")
    first_validation = len(pages) - heldout_count - a.validation
    train = pages[:first_validation]
    validation = pages[first_validation:len(pages) - heldout_count]
    heldout = pages[len(pages) - heldout_count:]
    if train:
        with open(a.train, "w", encoding="utf-8") as f:
            for page in train:
                f.write(json.dumps({"text": page}) + "\n")
    if validation:
        write_text(a.validation_text, validation)
    write_text(a.heldout_text, heldout)
    os.makedirs(a.task_dir, exist_ok=True)
    with open(os.path.join(a.task_dir, "wikitext.jsonl"), "w", encoding="utf-8") as f:
        for page in heldout:
            f.write(json.dumps({"page": page}) + "\n")
    print(f"{len(train)} training articles, {len(validation)} for validation ({sum(map(len, validation))} characters), "
          f"{len(heldout)} held out ({sum(map(len, heldout))} characters)")


if __name__ == "__main__":
    main()
