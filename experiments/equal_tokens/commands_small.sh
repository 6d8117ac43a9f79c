#!/usr/bin/env bash
# small profile of experiments/equal_tokens, started 2026-12-06T23:58:16Z
set -euo pipefail
/root/.cache/pollux/venv/bin/python /work/main/experiments/equal_tokens/split_wikitext.py /work/shared/data/corpus/wikitext2-valid.txt --heldout 6 --validation 6 --train /work/runs/eq_small/data/wikitext_train.jsonl --validation_text /work/runs/eq_small/data/validation.txt --heldout_text /work/runs/eq_small/data/heldout.txt --task_dir /work/runs/eq_small/data/tasks 
/tmp/eqbin/pollux-prepare /work/shared/data/fineweb-sample /work/shared/data/corpus/tinyshakespeare.txt /work/runs/eq_small/data/wikitext_train.jsonl --output /work/runs/eq_small/data/train.u16 --tokenizer bytes 
/tmp/eqbin/pollux-prepare /work/runs/eq_small/data/validation.txt --output /work/runs/eq_small/data/validation.u16 --tokenizer bytes 
/tmp/eqbin/pollux-prepare /work/runs/eq_small/data/heldout.txt --output /work/runs/eq_small/data/heldout.u16 --tokenizer bytes 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --threads 1 --quantizer none --init lattice --lr 1e-3 --min_lr 0.0001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr1e-3 --overwrite 
/tmp/eqbin/pollux-train --config /work/main/experiments/equal_tokens/small.ini --threads 1 --quantizer none --init lattice --lr 2e-3 --min_lr 0.0002 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr2e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init lattice --lr 1e-3 --min_lr 0.0001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr1e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init lattice --lr 2e-3 --min_lr 0.0002 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr2e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init lattice --lr 1e-3 --min_lr 0.0001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr1e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init lattice --lr 3e-3 --min_lr 0.0003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr3e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init lattice --lr 1e-2 --min_lr 0.001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr1e-2 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init lattice --lr 3e-2 --min_lr 0.003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr3e-2 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init standard --lr 1e-3 --min_lr 0.0001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-standard-lr1e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init standard --lr 3e-3 --min_lr 0.0003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-standard-lr3e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init standard --lr 1e-2 --min_lr 0.001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-standard-lr1e-2 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer none --init standard --lr 3e-2 --min_lr 0.003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-standard-lr3e-2 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 1.5 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/leech-hfloor1.5 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 1.8 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/leech-hfloor1.8 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.1 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/leech-hfloor2.1 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-3 --min_lr 0.0003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-lattice-lr3e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer ternary --init lattice --lr 1e-2 --min_lr 0.001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-lattice-lr1e-2 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-lattice-lr3e-2 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer ternary --init standard --lr 1e-3 --min_lr 0.0001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-standard-lr1e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer ternary --init standard --lr 3e-3 --min_lr 0.0003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-standard-lr3e-3 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer ternary --init standard --lr 1e-2 --min_lr 0.001 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-standard-lr1e-2 --overwrite 
/tmp/eqbin/pollux-train --config /tmp/eqexp/small.ini --threads 1 --quantizer ternary --init standard --lr 3e-2 --min_lr 0.003 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-standard-lr3e-2 --overwrite 
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-lattice-lr1e-3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-lattice-lr1e-3.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-lattice-lr3e-3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-lattice-lr3e-3.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-lattice-lr1e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-lattice-lr1e-2.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-lattice-lr3e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-lattice-lr3e-2.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-standard-lr1e-3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-standard-lr1e-3.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-standard-lr3e-3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-standard-lr3e-3.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-standard-lr1e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-standard-lr1e-2.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/continuous-standard-lr3e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-standard-lr3e-2.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/leech-hfloor1.5/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/leech-hfloor1.5.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/leech-hfloor1.8/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/leech-hfloor1.8.val.json
/tmp/eqbin/pollux-eval /work/runs/eq_small/sweep/leech-hfloor2.1/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/leech-hfloor2.1.val.json
/tmp/eqbin2/pollux-train --config /tmp/eqexp2/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/continuous-lattice-lr1e-1 --overwrite 
/tmp/eqbin2/pollux-train --config /tmp/eqexp2/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/leech-hfloor2.4 --overwrite 
/tmp/eqbin2/pollux-train --config /tmp/eqexp2/small.ini --threads 1 --quantizer ternary --init lattice --lr 1e-1 --min_lr 0.01 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/ternary-lattice-lr1e-1 --overwrite 
/tmp/eqbin2/pollux-train --config /tmp/eqexp2/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 3 --seed 101 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/sweep/leech-hfloor3 --overwrite 
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/continuous-lattice-lr1e-1/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/continuous-lattice-lr1e-1.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/leech-hfloor2.4/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/leech-hfloor2.4.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-lattice-lr3e-3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-lattice-lr3e-3.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-lattice-lr1e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-lattice-lr1e-2.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-lattice-lr3e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-lattice-lr3e-2.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-lattice-lr1e-1/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-lattice-lr1e-1.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-standard-lr1e-3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-standard-lr1e-3.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-standard-lr3e-3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-standard-lr3e-3.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-standard-lr1e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-standard-lr1e-2.val.json
/tmp/eqbin2/pollux-eval /work/runs/eq_small/sweep/ternary-standard-lr3e-2/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/ternary-standard-lr3e-2.val.json
/tmp/eqbinT/pollux-eval /work/runs/eq_small/sweep/leech-hfloor3/pollux_step_600.h5 --data /work/runs/eq_small/data/validation.u16 --json > /work/runs/eq_small/sweep/leech-hfloor3.val.json
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 1 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/continuous-s1 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 1 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/leech-s1 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 1 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/ternary-s1 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer lattice --codebook leech --scope backbone --h_floor 2.4 --seed 1 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/leech-backbone-s1 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer ternary --scope backbone --init lattice --lr 3e-2 --min_lr 0.003 --seed 1 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/ternary-backbone-s1 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/continuous-s2 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp4/small.ini --threads 1 --quantizer ternary --scope backbone --init lattice --lr 3e-2 --min_lr 0.003 --seed 1 --data /work/runs/eq_s1/data/train.u16 --out /work/runs/eq_s1/train/ternary-backbone-s1 --overwrite 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method rtn --output /work/runs/eq_s1/ptq/ptq-rtn-2-s1.h5 --scope all --bits 2 --group_size 32 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method rtn --output /work/runs/eq_s1/ptq/ptq-rtn-3-s1.h5 --scope all --bits 3 --group_size 32 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method rtn --output /work/runs/eq_s1/ptq/ptq-rtn-4-s1.h5 --scope all --bits 4 --group_size 32 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs/eq_s1/ptq/ptq-gptq-2-s1.h5 --scope all --bits 2 --group_size 32 --calib /work/runs/eq_s1/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs/eq_s1/ptq/ptq-gptq-3-s1.h5 --scope all --bits 3 --group_size 32 --calib /work/runs/eq_s1/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs/eq_s1/ptq/ptq-gptq-4-s1.h5 --scope all --bits 4 --group_size 32 --calib /work/runs/eq_s1/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method polarquant --output /work/runs/eq_s1/ptq/ptq-polarquant-2-s1.h5 --scope all --bits 2 --group_size 32 --seed 1 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method polarquant --output /work/runs/eq_s1/ptq/ptq-polarquant-3-s1.h5 --scope all --bits 3 --group_size 32 --seed 1 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method polarquant --output /work/runs/eq_s1/ptq/ptq-polarquant-4-s1.h5 --scope all --bits 4 --group_size 32 --seed 1 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method leech --output /work/runs/eq_s1/ptq/ptq-leech-s1.h5 --scope all 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs/eq_s1/ptq/ptq-gptq-2-backbone-s1.h5 --scope backbone --bits 2 --group_size 32 --calib /work/runs/eq_s1/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method gptq --output /work/runs/eq_s1/ptq/ptq-gptq-3-backbone-s1.h5 --scope backbone --bits 3 --group_size 32 --calib /work/runs/eq_s1/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eqbinT/pollux-ptq /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --method leech --output /work/runs/eq_s1/ptq/ptq-leech-backbone-s1.h5 --scope backbone 
/tmp/eqbinT/pollux-pack /work/runs/eq_s1/train/leech-s1/pollux_step_600.h5 --output /work/runs/eq_s1/train/leech-s1.plx 
/tmp/eqbinT/pollux-pack /work/runs/eq_s1/train/ternary-s1/pollux_step_600.h5 --output /work/runs/eq_s1/train/ternary-s1.plx 
/tmp/eqbinT/pollux-pack /work/runs/eq_s1/train/leech-backbone-s1/pollux_step_600.h5 --output /work/runs/eq_s1/train/leech-backbone-s1.plx 
/tmp/eqbinT/pollux-pack /work/runs/eq_s1/train/ternary-backbone-s1/pollux_step_600.h5 --output /work/runs/eq_s1/train/ternary-backbone-s1.plx 
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/continuous-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/continuous-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/continuous-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/train/continuous-s1/pollux_step_600.h5 --json > /work/runs/eq_s1/eval/continuous-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-2-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-rtn-2-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-2-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-rtn-2-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-2-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-rtn-2-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-rtn-2-s1.h5 --json > /work/runs/eq_s1/eval/ptq-rtn-2-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-3-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-rtn-3-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-3-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-rtn-3-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-3-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-rtn-3-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-rtn-3-s1.h5 --json > /work/runs/eq_s1/eval/ptq-rtn-3-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-4-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-rtn-4-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-4-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-rtn-4-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-rtn-4-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-rtn-4-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-rtn-4-s1.h5 --json > /work/runs/eq_s1/eval/ptq-rtn-4-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-2-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-gptq-2-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-2-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-gptq-2-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-2-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-gptq-2-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-gptq-2-s1.h5 --json > /work/runs/eq_s1/eval/ptq-gptq-2-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-3-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-gptq-3-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-3-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-gptq-3-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-3-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-gptq-3-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-gptq-3-s1.h5 --json > /work/runs/eq_s1/eval/ptq-gptq-3-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-4-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-gptq-4-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-4-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-gptq-4-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-4-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-gptq-4-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-gptq-4-s1.h5 --json > /work/runs/eq_s1/eval/ptq-gptq-4-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-2-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-polarquant-2-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-2-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-polarquant-2-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-2-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-polarquant-2-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-polarquant-2-s1.h5 --json > /work/runs/eq_s1/eval/ptq-polarquant-2-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-3-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-polarquant-3-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-3-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-polarquant-3-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-3-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-polarquant-3-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-polarquant-3-s1.h5 --json > /work/runs/eq_s1/eval/ptq-polarquant-3-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-4-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-polarquant-4-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-4-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-polarquant-4-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-polarquant-4-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-polarquant-4-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-polarquant-4-s1.h5 --json > /work/runs/eq_s1/eval/ptq-polarquant-4-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-leech-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-leech-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-leech-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-leech-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-leech-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-leech-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-leech-s1.h5 --json > /work/runs/eq_s1/eval/ptq-leech-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-2-backbone-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-gptq-2-backbone-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-2-backbone-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-gptq-2-backbone-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-2-backbone-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-gptq-2-backbone-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-gptq-2-backbone-s1.h5 --json > /work/runs/eq_s1/eval/ptq-gptq-2-backbone-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-3-backbone-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-gptq-3-backbone-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-3-backbone-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-gptq-3-backbone-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-gptq-3-backbone-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-gptq-3-backbone-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-gptq-3-backbone-s1.h5 --json > /work/runs/eq_s1/eval/ptq-gptq-3-backbone-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-leech-backbone-s1.h5 --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ptq-leech-backbone-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-leech-backbone-s1.h5 --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ptq-leech-backbone-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/ptq/ptq-leech-backbone-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ptq-leech-backbone-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/ptq/ptq-leech-backbone-s1.h5 --json > /work/runs/eq_s1/eval/ptq-leech-backbone-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/leech-s1.plx --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/leech-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/leech-s1.plx --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/leech-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/leech-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/leech-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/train/leech-s1.plx --json > /work/runs/eq_s1/eval/leech-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/ternary-s1.plx --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ternary-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/ternary-s1.plx --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ternary-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/ternary-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ternary-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/train/ternary-s1.plx --json > /work/runs/eq_s1/eval/ternary-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/leech-backbone-s1.plx --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/leech-backbone-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/leech-backbone-s1.plx --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/leech-backbone-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/leech-backbone-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/leech-backbone-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/train/leech-backbone-s1.plx --json > /work/runs/eq_s1/eval/leech-backbone-s1.inspect.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/ternary-backbone-s1.plx --data /work/runs/eq_s1/data/heldout.u16 --runtime dense --json > /work/runs/eq_s1/eval/ternary-backbone-s1.loss.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/ternary-backbone-s1.plx --tasks wikitext --task_dir /work/runs/eq_s1/data/tasks --json > /work/runs/eq_s1/eval/ternary-backbone-s1.wikitext.json
/tmp/eqbinT/pollux-eval /work/runs/eq_s1/train/ternary-backbone-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_s1/eval/ternary-backbone-s1.blimp.json
/tmp/eqbinT/pollux-inspect /work/runs/eq_s1/train/ternary-backbone-s1.plx --json > /work/runs/eq_s1/eval/ternary-backbone-s1.inspect.json
