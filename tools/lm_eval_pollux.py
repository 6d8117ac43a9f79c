#!/usr/bin/env python3
"""lm-evaluation-harness (0.4.x) model `pollux`: a TemplateLM over `pollux-eval MODEL --serve`.

lm-eval builds the prompts and encodes requests itself (through our tokenizer, `tokenize`);
the server scores token ids (`loglikelihood`), texts in rolling windows
(`loglikelihood_rolling`) and generates greedily (`generate_until`), each request list in as
few batched, length-sorted calls as the server's request size limit (`max_request_bytes` of
`info`, pollux-eval --max_request_mb) allows. Generated text comes back as valid UTF-8: a
token that holds part of a character reads as U+FFFD, as lm-eval's Hugging Face models decode.

    python tools/lm_eval_pollux.py --model_path M.plx --tasks local_sciq,local_piqa \\
        --include_path YAML_DIR [--limit N] [--output results.json]

No dataset hub is reachable, so tasks read local JSON lines: a task YAML says
`dataset_path: json` and `dataset_kwargs: {data_files: {validation: FILE}}` (see
tools/lm_eval_tasks/). `--write_local_tasks DIR --task_dir DATA` writes one such YAML per
file of DATA (T.jsonl, blimp/*.jsonl), each including lm-eval's own task file, so prompts and
metrics are lm-eval's and only the data source changes; the tasks are named local_<task>.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from lm_eval.api.model import TemplateLM  # noqa: E402
from lm_eval.api.registry import register_model  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
# pollux-eval of the build tree (REPO/build/bin), else of an installation (this file in
# PREFIX/share/pollux/tools, the binary in PREFIX/bin).
DEFAULT_BINARY = next((b for b in (REPO / "build" / "bin" / "pollux-eval", REPO.parent.parent / "bin" / "pollux-eval")
                       if b.exists()), REPO / "build" / "bin" / "pollux-eval")
# Our task names and lm-eval's task file for each (relative to lm_eval/tasks).
LM_EVAL_TASK_FILES = {
    "sciq": "sciq/sciq.yaml",
    "piqa": "piqa/piqa.yaml",
    "hellaswag": "hellaswag/hellaswag.yaml",
    "winogrande": "winogrande/default.yaml",
    "arc_easy": "arc/arc_easy.yaml",
    "arc_challenge": "arc/arc_challenge.yaml",
    "lambada": "lambada/lambada_openai.yaml",
    "wikitext": "wikitext/wikitext.yaml",
}


@register_model("pollux")
class PolluxLM(TemplateLM):
    def __init__(self, model_path, binary=None, batch_size=8, device="cpu", **kwargs):
        super().__init__()
        binary = binary or str(DEFAULT_BINARY)
        self._proc = subprocess.Popen(
            [binary, model_path, "--serve", "--batch_size", str(int(batch_size)), "--device", device],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        info = self._call({"op": "info"})
        self._eot = int(info["eot_token_id"])
        self._max_length = int(info["max_length"])
        self._max_request_bytes = int(info["max_request_bytes"])

    def _call(self, request):
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"pollux-eval --serve exited with code {self._proc.wait()}")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def _call_list(self, op, key, items):
        """The results of `op` over `items`, sent in chunks that each fit in one request line."""
        results, chunk, size = [], [], 0
        overhead = len(json.dumps({"op": op, key: []})) + 1
        for item in items:
            n = len(json.dumps(item)) + 2
            if chunk and overhead + size + n > self._max_request_bytes:
                results += self._call({"op": op, key: chunk})["results"]
                chunk, size = [], 0
            chunk.append(item)
            size += n
        if chunk:
            results += self._call({"op": op, key: chunk})["results"]
        return results

    @property
    def eot_token_id(self):
        return self._eot

    @property
    def max_length(self):
        return self._max_length

    def tok_encode(self, string, **kwargs):
        return self._call({"op": "tokenize", "texts": [string]})["tokens"][0]

    def _loglikelihood_tokens(self, requests, disable_tqdm=False, **kwargs):
        batch = [{"context": list(ctx), "continuation": list(cont)} for _, ctx, cont in requests]
        out = [(float(lp), bool(greedy)) for lp, greedy in self._call_list("loglikelihood", "requests", batch)]
        for (key, _, _), result in zip(requests, out):
            if key is not None:
                self.cache_hook.add_partial("loglikelihood", key, result)
        return out

    def loglikelihood_rolling(self, requests, disable_tqdm=False):
        texts = [req.args[0] for req in requests]
        return [float(x) for x in self._call_list("loglikelihood_rolling", "texts", texts)]

    def generate_until(self, requests, disable_tqdm=False):
        batch = []
        for req in requests:
            context, kwargs = req.args
            until = kwargs.get("until") or []
            batch.append({"context": context, "until": [until] if isinstance(until, str) else list(until),
                          "max_gen_toks": int(kwargs.get("max_gen_toks", 256))})
        return self._call_list("generate_until", "requests", batch)


def write_local_tasks(out_dir, task_dir):
    """One YAML per data file: lm-eval's task file, reading the local JSON lines."""
    import lm_eval.tasks
    lm_tasks = Path(lm_eval.tasks.__file__).resolve().parent
    out, data = Path(out_dir), Path(task_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    files = [(name, lm_tasks / yaml, data / f"{name}.jsonl") for name, yaml in LM_EVAL_TASK_FILES.items()]
    files += [(f"blimp_{f.stem}", lm_tasks / "blimp" / f"{f.stem}.yaml", f) for f in sorted((data / "blimp").glob("*.jsonl"))]
    names = []
    for name, yaml, jsonl in files:
        if not jsonl.exists():
            continue
        if not yaml.exists():
            raise SystemExit(f"lm_eval_pollux: lm-eval has no task file {yaml} for {jsonl}")
        (out / f"local_{name}.yaml").write_text(
            f"include: {yaml}\n"
            f"task: local_{name}\n"
            "tag: []\n"
            "dataset_path: json\n"
            "dataset_name: null\n"
            "dataset_kwargs:\n"
            "  data_files:\n"
            f"    validation: {jsonl}\n"
            "training_split: null\n"
            "validation_split: validation\n"
            "test_split: null\n")
        names.append(f"local_{name}")
    print(",".join(names))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model_path", help="a .plx file or a checkpoint")
    p.add_argument("--tasks", help="comma-separated lm-eval task names")
    p.add_argument("--include_path", help="folder of extra task YAMLs")
    p.add_argument("--limit", type=int, default=None, help="documents per task")
    p.add_argument("--num_fewshot", type=int, default=None)
    p.add_argument("--batch_size", type=int, default=8)
    p.add_argument("--device", default="cpu")
    p.add_argument("--binary", default=None, help="pollux-eval (default: build/bin/pollux-eval, or PREFIX/bin/pollux-eval when installed)")
    p.add_argument("--output", help="write results and every sample's log-likelihoods as JSON")
    p.add_argument("--write_local_tasks", metavar="DIR", help="write local task YAMLs for --task_dir into DIR and exit")
    p.add_argument("--task_dir", help="with --write_local_tasks: folder of T.jsonl and blimp/*.jsonl")
    a = p.parse_args()
    if a.write_local_tasks:
        if not a.task_dir:
            p.error("--write_local_tasks needs --task_dir")
        write_local_tasks(a.write_local_tasks, a.task_dir)
        return
    if not a.model_path or not a.tasks:
        p.error("--model_path and --tasks are required")
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    lm = PolluxLM(a.model_path, binary=a.binary, batch_size=a.batch_size, device=a.device)
    res = simple_evaluate(model=lm, tasks=a.tasks.split(","), num_fewshot=a.num_fewshot, limit=a.limit,
                          task_manager=TaskManager(include_path=a.include_path), log_samples=bool(a.output),
                          bootstrap_iters=0)
    for task, metrics in sorted(res["results"].items()):
        shown = {k.split(",")[0]: v for k, v in metrics.items() if isinstance(v, float) and "stderr" not in k}
        print(task, " ".join(f"{k} {v:.4f}" for k, v in sorted(shown.items())))
    if a.output:
        samples = {}
        for task, rows in res.get("samples", {}).items():
            samples[task] = [{"doc_id": r["doc_id"],
                              "loglikelihoods": [[float(x[0]), bool(x[1])] for x in r["filtered_resps"]]
                              if isinstance(r["filtered_resps"][0], (list, tuple)) else [[float(r["filtered_resps"][0]), False]]}
                             for r in sorted(rows, key=lambda r: r["doc_id"])]
        Path(a.output).write_text(json.dumps({"results": res["results"], "samples": samples}, default=str))


if __name__ == "__main__":
    sys.exit(main())
