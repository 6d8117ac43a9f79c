"""The Pareto plot of results.md when some methods were scored on the held-out loss alone at
some seeds (issue 30's rivals): each method's loss over every seed's eval/NAME.loss.json, its
bytes from the harness's records. Run in the OUT folder of run.sh:
    python pareto_all.py PATH/TO/experiments/equal_tokens
"""
import glob
import json
import sys

sys.path.insert(0, sys.argv[1])
import summarize  # noqa: E402

t = summarize.table(summarize.read("eval"))
for r in t:
    losses = [json.load(open(p))["loss"] for p in sorted(glob.glob(f"eval/{r['method']}-s[0-9].loss.json"))]
    r["loss"], r["loss_sd"] = summarize.spread(losses)
summarize.plot(t, "pareto.png")
