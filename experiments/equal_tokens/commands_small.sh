#!/usr/bin/env bash
# small profile of experiments/equal_tokens, started 2026-11-30T07:36:40Z
set -euo pipefail
/root/.cache/pollux/venv/bin/python /work/main/experiments/equal_tokens/split_wikitext.py /work/shared/data/corpus/wikitext2-valid.txt --heldout 6 --train /work/runs_eq_small/data/wikitext_train.jsonl --heldout_text /work/runs_eq_small/data/heldout.txt --task_dir /work/runs_eq_small/data/tasks 
/tmp/eqbin/pollux-prepare /work/shared/data/fineweb-sample /work/shared/data/corpus/tinyshakespeare.txt /work/runs_eq_small/data/wikitext_train.jsonl --output /work/runs_eq_small/data/train.u16 --tokenizer bytes 
/tmp/eqbin/pollux-prepare /work/runs_eq_small/data/heldout.txt --output /work/runs_eq_small/data/heldout.u16 --tokenizer bytes 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer none --seed 1 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/continuous-s1 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer lattice --codebook leech --seed 1 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/leech-s1 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer lattice --codebook pollux-v4 --seed 1 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/pollux-v4-s1 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer ternary --seed 1 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/ternary-s1 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer none --seed 2 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/continuous-s2 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer lattice --codebook leech --seed 2 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/leech-s2 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer lattice --codebook pollux-v4 --seed 2 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/pollux-v4-s2 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer ternary --seed 2 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/ternary-s2 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer none --seed 3 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/continuous-s3 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer lattice --codebook leech --seed 3 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/leech-s3 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer lattice --codebook pollux-v4 --seed 3 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/pollux-v4-s3 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --quantizer ternary --seed 3 --data /work/runs_eq_small/data/train.u16 --out /work/runs_eq_small/train/ternary-s3 --overwrite 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-2-s1.h5 --bits 2 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-3-s1.h5 --bits 3 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-4-s1.h5 --bits 4 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-2-s1.h5 --bits 2 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-3-s1.h5 --bits 3 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-4-s1.h5 --bits 4 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-2-s1.h5 --bits 2 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-3-s1.h5 --bits 3 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-4-s1.h5 --bits 4 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --method leech --output /work/runs_eq_small/ptq/ptq-leech-s1.h5 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/leech-s1/pollux_step_600.h5 --output /work/runs_eq_small/train/leech-s1.plx 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/pollux-v4-s1/pollux_step_600.h5 --output /work/runs_eq_small/train/pollux-v4-s1.plx 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/ternary-s1/pollux_step_600.h5 --output /work/runs_eq_small/train/ternary-s1.plx 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-2-s2.h5 --bits 2 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-3-s2.h5 --bits 3 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-4-s2.h5 --bits 4 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-2-s2.h5 --bits 2 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-3-s2.h5 --bits 3 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-4-s2.h5 --bits 4 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-2-s2.h5 --bits 2 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-3-s2.h5 --bits 3 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-4-s2.h5 --bits 4 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --method leech --output /work/runs_eq_small/ptq/ptq-leech-s2.h5 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/leech-s2/pollux_step_600.h5 --output /work/runs_eq_small/train/leech-s2.plx 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/pollux-v4-s2/pollux_step_600.h5 --output /work/runs_eq_small/train/pollux-v4-s2.plx 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/ternary-s2/pollux_step_600.h5 --output /work/runs_eq_small/train/ternary-s2.plx 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-2-s3.h5 --bits 2 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-3-s3.h5 --bits 3 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method rtn --output /work/runs_eq_small/ptq/ptq-rtn-4-s3.h5 --bits 4 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-2-s3.h5 --bits 2 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-3-s3.h5 --bits 3 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs_eq_small/ptq/ptq-gptq-4-s3.h5 --bits 4 --group_size 32 --calib /work/runs_eq_small/data/train.u16 --calib_tokens 16384 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-2-s3.h5 --bits 2 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-3-s3.h5 --bits 3 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method polarquant --output /work/runs_eq_small/ptq/ptq-polarquant-4-s3.h5 --bits 4 --group_size 32 
/tmp/eqbin/pollux-ptq /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --method leech --output /work/runs_eq_small/ptq/ptq-leech-s3.h5 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/leech-s3/pollux_step_600.h5 --output /work/runs_eq_small/train/leech-s3.plx 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/pollux-v4-s3/pollux_step_600.h5 --output /work/runs_eq_small/train/pollux-v4-s3.plx 
/tmp/eqbin/pollux-pack /work/runs_eq_small/train/ternary-s3/pollux_step_600.h5 --output /work/runs_eq_small/train/ternary-s3.plx 
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/continuous-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/continuous-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/continuous-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/continuous-s1/pollux_step_600.h5 --json > /work/runs_eq_small/eval/continuous-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-2-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-2-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-2-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-2-s1.h5 --json > /work/runs_eq_small/eval/ptq-rtn-2-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-3-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-3-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-3-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-3-s1.h5 --json > /work/runs_eq_small/eval/ptq-rtn-3-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-4-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-4-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-4-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-4-s1.h5 --json > /work/runs_eq_small/eval/ptq-rtn-4-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-2-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-2-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-2-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-2-s1.h5 --json > /work/runs_eq_small/eval/ptq-gptq-2-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-3-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-3-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-3-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-3-s1.h5 --json > /work/runs_eq_small/eval/ptq-gptq-3-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-4-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-4-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-4-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-4-s1.h5 --json > /work/runs_eq_small/eval/ptq-gptq-4-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-2-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-2-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-2-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-2-s1.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-2-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-3-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-3-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-3-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-3-s1.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-3-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-4-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-4-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-4-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-4-s1.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-4-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s1.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-leech-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s1.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-leech-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-leech-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-leech-s1.h5 --json > /work/runs_eq_small/eval/ptq-leech-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s1.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/leech-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s1.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/leech-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/leech-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/leech-s1.plx --json > /work/runs_eq_small/eval/leech-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s1.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/pollux-v4-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s1.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/pollux-v4-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/pollux-v4-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/pollux-v4-s1.plx --json > /work/runs_eq_small/eval/pollux-v4-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s1.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ternary-s1.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s1.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ternary-s1.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ternary-s1.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/ternary-s1.plx --json > /work/runs_eq_small/eval/ternary-s1.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/continuous-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/continuous-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/continuous-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/continuous-s2/pollux_step_600.h5 --json > /work/runs_eq_small/eval/continuous-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-2-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-2-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-2-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-2-s2.h5 --json > /work/runs_eq_small/eval/ptq-rtn-2-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-3-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-3-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-3-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-3-s2.h5 --json > /work/runs_eq_small/eval/ptq-rtn-3-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-4-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-4-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-4-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-4-s2.h5 --json > /work/runs_eq_small/eval/ptq-rtn-4-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-2-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-2-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-2-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-2-s2.h5 --json > /work/runs_eq_small/eval/ptq-gptq-2-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-3-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-3-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-3-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-3-s2.h5 --json > /work/runs_eq_small/eval/ptq-gptq-3-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-4-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-4-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-4-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-4-s2.h5 --json > /work/runs_eq_small/eval/ptq-gptq-4-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-2-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-2-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-2-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-2-s2.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-2-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-3-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-3-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-3-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-3-s2.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-3-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-4-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-4-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-4-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-4-s2.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-4-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s2.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-leech-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s2.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-leech-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-leech-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-leech-s2.h5 --json > /work/runs_eq_small/eval/ptq-leech-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s2.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/leech-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s2.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/leech-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/leech-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/leech-s2.plx --json > /work/runs_eq_small/eval/leech-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s2.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/pollux-v4-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s2.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/pollux-v4-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/pollux-v4-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/pollux-v4-s2.plx --json > /work/runs_eq_small/eval/pollux-v4-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s2.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ternary-s2.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s2.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ternary-s2.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ternary-s2.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/ternary-s2.plx --json > /work/runs_eq_small/eval/ternary-s2.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/continuous-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/continuous-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/continuous-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/continuous-s3/pollux_step_600.h5 --json > /work/runs_eq_small/eval/continuous-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-2-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-2-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-2-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-2-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-2-s3.h5 --json > /work/runs_eq_small/eval/ptq-rtn-2-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-3-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-3-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-3-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-3-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-3-s3.h5 --json > /work/runs_eq_small/eval/ptq-rtn-3-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-rtn-4-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-rtn-4-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-rtn-4-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-rtn-4-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-rtn-4-s3.h5 --json > /work/runs_eq_small/eval/ptq-rtn-4-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-2-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-2-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-2-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-2-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-2-s3.h5 --json > /work/runs_eq_small/eval/ptq-gptq-2-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-3-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-3-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-3-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-3-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-3-s3.h5 --json > /work/runs_eq_small/eval/ptq-gptq-3-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-gptq-4-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-gptq-4-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-gptq-4-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-gptq-4-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-gptq-4-s3.h5 --json > /work/runs_eq_small/eval/ptq-gptq-4-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-2-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-2-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-2-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-2-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-2-s3.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-2-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-3-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-3-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-3-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-3-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-3-s3.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-3-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-polarquant-4-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-polarquant-4-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-polarquant-4-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-polarquant-4-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-polarquant-4-s3.h5 --json > /work/runs_eq_small/eval/ptq-polarquant-4-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s3.h5 --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ptq-leech-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s3.h5 --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ptq-leech-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/ptq/ptq-leech-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ptq-leech-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/ptq/ptq-leech-s3.h5 --json > /work/runs_eq_small/eval/ptq-leech-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s3.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/leech-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s3.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/leech-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/leech-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/leech-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/leech-s3.plx --json > /work/runs_eq_small/eval/leech-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s3.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/pollux-v4-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s3.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/pollux-v4-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/pollux-v4-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/pollux-v4-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/pollux-v4-s3.plx --json > /work/runs_eq_small/eval/pollux-v4-s3.inspect.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s3.plx --data /work/runs_eq_small/data/heldout.u16 --runtime dense --json > /work/runs_eq_small/eval/ternary-s3.loss.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s3.plx --tasks wikitext --task_dir /work/runs_eq_small/data/tasks --json > /work/runs_eq_small/eval/ternary-s3.wikitext.json
/tmp/eqbin/pollux-eval /work/runs_eq_small/train/ternary-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs_eq_small/eval/ternary-s3.blimp.json
/tmp/eqbin/pollux-inspect /work/runs_eq_small/train/ternary-s3.plx --json > /work/runs_eq_small/eval/ternary-s3.inspect.json
