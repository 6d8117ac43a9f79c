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
# seeds 2 and 3 (2026-12-07 02:50 UTC; lines 61-63 began seed 2 in the session before and were cut off, then rerun below), then issue 30's post-training methods (04:25, ROUTES of the five training routes)
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/continuous-s2 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/leech-s2 --overwrite 
/tmp/eqbinT/pollux-train --config /tmp/eqexp3/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/ternary-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/leech-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/ternary-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer lattice --codebook leech --scope backbone --h_floor 2.4 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/leech-backbone-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer ternary --scope backbone --init lattice --lr 3e-2 --min_lr 0.003 --seed 2 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/ternary-backbone-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 3 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/continuous-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 3 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/leech-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 3 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/ternary-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer lattice --codebook leech --scope backbone --h_floor 2.4 --seed 3 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/leech-backbone-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_run/small.ini --threads 1 --quantizer ternary --scope backbone --init lattice --lr 3e-2 --min_lr 0.003 --seed 3 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/ternary-backbone-s3 --overwrite 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method rtn --output /work/runs/eq_small/ptq/ptq-rtn-2-s2.h5 --scope all --bits 2 --group_size 32 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method rtn --output /work/runs/eq_small/ptq/ptq-rtn-3-s2.h5 --scope all --bits 3 --group_size 32 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method rtn --output /work/runs/eq_small/ptq/ptq-rtn-4-s2.h5 --scope all --bits 4 --group_size 32 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-2-s2.h5 --scope all --bits 2 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-3-s2.h5 --scope all --bits 3 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-4-s2.h5 --scope all --bits 4 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method polarquant --output /work/runs/eq_small/ptq/ptq-polarquant-2-s2.h5 --scope all --bits 2 --group_size 32 --seed 2 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method polarquant --output /work/runs/eq_small/ptq/ptq-polarquant-3-s2.h5 --scope all --bits 3 --group_size 32 --seed 2 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method polarquant --output /work/runs/eq_small/ptq/ptq-polarquant-4-s2.h5 --scope all --bits 4 --group_size 32 --seed 2 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method leech --output /work/runs/eq_small/ptq/ptq-leech-s2.h5 --scope all 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s2.h5 --scope backbone --bits 2 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s2.h5 --scope backbone --bits 3 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method leech --output /work/runs/eq_small/ptq/ptq-leech-backbone-s2.h5 --scope backbone 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/leech-s2/pollux_step_600.h5 --output /work/runs/eq_small/train/leech-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/ternary-s2/pollux_step_600.h5 --output /work/runs/eq_small/train/ternary-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/leech-backbone-s2/pollux_step_600.h5 --output /work/runs/eq_small/train/leech-backbone-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/ternary-backbone-s2/pollux_step_600.h5 --output /work/runs/eq_small/train/ternary-backbone-s2.plx 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method rtn --output /work/runs/eq_small/ptq/ptq-rtn-2-s3.h5 --scope all --bits 2 --group_size 32 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method rtn --output /work/runs/eq_small/ptq/ptq-rtn-3-s3.h5 --scope all --bits 3 --group_size 32 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method rtn --output /work/runs/eq_small/ptq/ptq-rtn-4-s3.h5 --scope all --bits 4 --group_size 32 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-2-s3.h5 --scope all --bits 2 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-3-s3.h5 --scope all --bits 3 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-4-s3.h5 --scope all --bits 4 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method polarquant --output /work/runs/eq_small/ptq/ptq-polarquant-2-s3.h5 --scope all --bits 2 --group_size 32 --seed 3 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method polarquant --output /work/runs/eq_small/ptq/ptq-polarquant-3-s3.h5 --scope all --bits 3 --group_size 32 --seed 3 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method polarquant --output /work/runs/eq_small/ptq/ptq-polarquant-4-s3.h5 --scope all --bits 4 --group_size 32 --seed 3 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method leech --output /work/runs/eq_small/ptq/ptq-leech-s3.h5 --scope all 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s3.h5 --scope backbone --bits 2 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method gptq --output /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s3.h5 --scope backbone --bits 3 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --act_order 
/tmp/eq_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method leech --output /work/runs/eq_small/ptq/ptq-leech-backbone-s3.h5 --scope backbone 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/leech-s3/pollux_step_600.h5 --output /work/runs/eq_small/train/leech-s3.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/ternary-s3/pollux_step_600.h5 --output /work/runs/eq_small/train/ternary-s3.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/leech-backbone-s3/pollux_step_600.h5 --output /work/runs/eq_small/train/leech-backbone-s3.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/ternary-backbone-s3/pollux_step_600.h5 --output /work/runs/eq_small/train/ternary-backbone-s3.plx 
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/continuous-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/continuous-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/continuous-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --json > /work/runs/eq_small/eval/continuous-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-2-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-rtn-2-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-2-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-rtn-2-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-2-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-rtn-2-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-rtn-2-s2.h5 --json > /work/runs/eq_small/eval/ptq-rtn-2-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-3-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-rtn-3-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-3-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-rtn-3-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-3-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-rtn-3-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-rtn-3-s2.h5 --json > /work/runs/eq_small/eval/ptq-rtn-3-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-4-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-rtn-4-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-4-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-rtn-4-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-4-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-rtn-4-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-rtn-4-s2.h5 --json > /work/runs/eq_small/eval/ptq-rtn-4-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-2-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-2-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-2-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-2-s2.h5 --json > /work/runs/eq_small/eval/ptq-gptq-2-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-3-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-3-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-3-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-3-s2.h5 --json > /work/runs/eq_small/eval/ptq-gptq-3-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-4-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-4-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-4-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-4-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-4-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-4-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-4-s2.h5 --json > /work/runs/eq_small/eval/ptq-gptq-4-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-2-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-polarquant-2-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-2-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-polarquant-2-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-2-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-polarquant-2-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-polarquant-2-s2.h5 --json > /work/runs/eq_small/eval/ptq-polarquant-2-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-3-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-polarquant-3-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-3-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-polarquant-3-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-3-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-polarquant-3-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-polarquant-3-s2.h5 --json > /work/runs/eq_small/eval/ptq-polarquant-3-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-4-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-polarquant-4-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-4-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-polarquant-4-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-4-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-polarquant-4-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-polarquant-4-s2.h5 --json > /work/runs/eq_small/eval/ptq-polarquant-4-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-leech-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-leech-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-leech-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-leech-s2.h5 --json > /work/runs/eq_small/eval/ptq-leech-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s2.h5 --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s2.h5 --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-backbone-s2.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-leech-backbone-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-backbone-s2.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-leech-backbone-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-backbone-s2.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-leech-backbone-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-leech-backbone-s2.h5 --json > /work/runs/eq_small/eval/ptq-leech-backbone-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/leech-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/leech-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/leech-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/leech-s2.plx --json > /work/runs/eq_small/eval/leech-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ternary-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ternary-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ternary-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/ternary-s2.plx --json > /work/runs/eq_small/eval/ternary-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-backbone-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/leech-backbone-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-backbone-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/leech-backbone-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-backbone-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/leech-backbone-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/leech-backbone-s2.plx --json > /work/runs/eq_small/eval/leech-backbone-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-backbone-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ternary-backbone-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-backbone-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ternary-backbone-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-backbone-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ternary-backbone-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/ternary-backbone-s2.plx --json > /work/runs/eq_small/eval/ternary-backbone-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/continuous-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/continuous-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/continuous-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --json > /work/runs/eq_small/eval/continuous-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-2-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-rtn-2-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-2-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-rtn-2-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-2-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-rtn-2-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-rtn-2-s3.h5 --json > /work/runs/eq_small/eval/ptq-rtn-2-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-3-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-rtn-3-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-3-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-rtn-3-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-3-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-rtn-3-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-rtn-3-s3.h5 --json > /work/runs/eq_small/eval/ptq-rtn-3-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-4-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-rtn-4-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-4-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-rtn-4-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-rtn-4-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-rtn-4-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-rtn-4-s3.h5 --json > /work/runs/eq_small/eval/ptq-rtn-4-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-2-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-2-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-2-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-2-s3.h5 --json > /work/runs/eq_small/eval/ptq-gptq-2-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-3-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-3-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-3-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-3-s3.h5 --json > /work/runs/eq_small/eval/ptq-gptq-3-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-4-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-4-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-4-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-4-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-4-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-4-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-4-s3.h5 --json > /work/runs/eq_small/eval/ptq-gptq-4-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-2-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-polarquant-2-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-2-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-polarquant-2-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-2-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-polarquant-2-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-polarquant-2-s3.h5 --json > /work/runs/eq_small/eval/ptq-polarquant-2-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-3-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-polarquant-3-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-3-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-polarquant-3-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-3-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-polarquant-3-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-polarquant-3-s3.h5 --json > /work/runs/eq_small/eval/ptq-polarquant-3-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-4-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-polarquant-4-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-4-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-polarquant-4-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-polarquant-4-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-polarquant-4-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-polarquant-4-s3.h5 --json > /work/runs/eq_small/eval/ptq-polarquant-4-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-leech-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-leech-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-leech-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-leech-s3.h5 --json > /work/runs/eq_small/eval/ptq-leech-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-2-backbone-s3.h5 --json > /work/runs/eq_small/eval/ptq-gptq-2-backbone-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-gptq-3-backbone-s3.h5 --json > /work/runs/eq_small/eval/ptq-gptq-3-backbone-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-backbone-s3.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-leech-backbone-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-backbone-s3.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-leech-backbone-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-backbone-s3.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-leech-backbone-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-leech-backbone-s3.h5 --json > /work/runs/eq_small/eval/ptq-leech-backbone-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/leech-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/leech-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/leech-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/leech-s3.plx --json > /work/runs/eq_small/eval/leech-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ternary-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ternary-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ternary-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/ternary-s3.plx --json > /work/runs/eq_small/eval/ternary-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-backbone-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/leech-backbone-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-backbone-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/leech-backbone-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/leech-backbone-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/leech-backbone-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/leech-backbone-s3.plx --json > /work/runs/eq_small/eval/leech-backbone-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-backbone-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ternary-backbone-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-backbone-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ternary-backbone-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/ternary-backbone-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ternary-backbone-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/ternary-backbone-s3.plx --json > /work/runs/eq_small/eval/ternary-backbone-s3.inspect.json
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method leech-ldlq --output /work/runs/eq_small/ptq/ptq-leech-ldlq-s1.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method leech-ldlq --output /work/runs/eq_small/ptq/ptq-leech-ldlq-incoherence-s1.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --incoherence --seed 1 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method apq --output /work/runs/eq_small/ptq/ptq-apq-2.5625-s1.h5 --scope all --budget_bits 2.5625 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method apq --output /work/runs/eq_small/ptq/ptq-apq-3.59375-s1.h5 --scope all --budget_bits 3.59375 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-2-s1.h5 --scope all --bits 2 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-3-s1.h5 --scope all --bits 3 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-4-s1.h5 --scope all --bits 4 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s1/pollux_step_600.h5 --method smoothquant --output /work/runs/eq_small/ptq/ptq-smoothquant-s1.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method leech-ldlq --output /work/runs/eq_small/ptq/ptq-leech-ldlq-s2.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method leech-ldlq --output /work/runs/eq_small/ptq/ptq-leech-ldlq-incoherence-s2.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --incoherence --seed 2 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method apq --output /work/runs/eq_small/ptq/ptq-apq-2.5625-s2.h5 --scope all --budget_bits 2.5625 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method apq --output /work/runs/eq_small/ptq/ptq-apq-3.59375-s2.h5 --scope all --budget_bits 3.59375 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-2-s2.h5 --scope all --bits 2 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-3-s2.h5 --scope all --bits 3 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-4-s2.h5 --scope all --bits 4 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s2/pollux_step_600.h5 --method smoothquant --output /work/runs/eq_small/ptq/ptq-smoothquant-s2.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method leech-ldlq --output /work/runs/eq_small/ptq/ptq-leech-ldlq-s3.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method leech-ldlq --output /work/runs/eq_small/ptq/ptq-leech-ldlq-incoherence-s3.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 --incoherence --seed 3 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method apq --output /work/runs/eq_small/ptq/ptq-apq-2.5625-s3.h5 --scope all --budget_bits 2.5625 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method apq --output /work/runs/eq_small/ptq/ptq-apq-3.59375-s3.h5 --scope all --budget_bits 3.59375 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-2-s3.h5 --scope all --bits 2 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-3-s3.h5 --scope all --bits 3 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method awq --output /work/runs/eq_small/ptq/ptq-awq-4-s3.h5 --scope all --bits 4 --group_size 32 --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-ptq /work/runs/eq_small/train/continuous-s3/pollux_step_600.h5 --method smoothquant --output /work/runs/eq_small/ptq/ptq-smoothquant-s3.h5 --scope all --calib /work/runs/eq_small/data/train.u16 --calib_tokens 16384 
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-ldlq-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-leech-ldlq-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-ldlq-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-leech-ldlq-s1.wikitext.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-ldlq-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-leech-ldlq-s1.blimp.json
/tmp/riv_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-leech-ldlq-s1.h5 --json > /work/runs/eq_small/eval/ptq-leech-ldlq-s1.inspect.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-ldlq-incoherence-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-leech-ldlq-incoherence-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-ldlq-incoherence-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-leech-ldlq-incoherence-s1.wikitext.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-leech-ldlq-incoherence-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-leech-ldlq-incoherence-s1.blimp.json
/tmp/riv_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-leech-ldlq-incoherence-s1.h5 --json > /work/runs/eq_small/eval/ptq-leech-ldlq-incoherence-s1.inspect.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-apq-2.5625-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-apq-2.5625-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-apq-2.5625-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-apq-2.5625-s1.wikitext.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-apq-2.5625-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-apq-2.5625-s1.blimp.json
/tmp/riv_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-apq-2.5625-s1.h5 --json > /work/runs/eq_small/eval/ptq-apq-2.5625-s1.inspect.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-apq-3.59375-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-apq-3.59375-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-apq-3.59375-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-apq-3.59375-s1.wikitext.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-apq-3.59375-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-apq-3.59375-s1.blimp.json
/tmp/riv_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-apq-3.59375-s1.h5 --json > /work/runs/eq_small/eval/ptq-apq-3.59375-s1.inspect.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-2-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-awq-2-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-2-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-awq-2-s1.wikitext.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-2-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-awq-2-s1.blimp.json
/tmp/riv_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-awq-2-s1.h5 --json > /work/runs/eq_small/eval/ptq-awq-2-s1.inspect.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-3-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-awq-3-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-3-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-awq-3-s1.wikitext.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-3-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-awq-3-s1.blimp.json
/tmp/riv_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-awq-3-s1.h5 --json > /work/runs/eq_small/eval/ptq-awq-3-s1.inspect.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-4-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-awq-4-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-4-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-awq-4-s1.wikitext.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-awq-4-s1.h5 --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/ptq-awq-4-s1.blimp.json
/tmp/riv_bin/pollux-inspect /work/runs/eq_small/ptq/ptq-awq-4-s1.h5 --json > /work/runs/eq_small/eval/ptq-awq-4-s1.inspect.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-smoothquant-s1.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/ptq-smoothquant-s1.loss.json
/tmp/riv_bin/pollux-eval /work/runs/eq_small/ptq/ptq-smoothquant-s1.h5 --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/ptq-smoothquant-s1.wikitext.json
# the held-out loss of issue 30's methods at seeds 2 and 3 (the run above was stopped after seed 1's evaluations, for machine time)
for s in 2 3; do for m in leech-ldlq leech-ldlq-incoherence apq-2.5625 apq-3.59375 awq-2 awq-3 awq-4 smoothquant; do /tmp/riv_bin/pollux-eval ptq/ptq-$m-s$s.h5 --data data/heldout.u16 --json > eval/ptq-$m-s$s.loss.json; done; done  # in /work/runs/eq_small
# issue 31's optimizer ablations in their own folder (data linked to the one above): ROUTES="leech-adamw ternary-pollux" run.sh small /work/runs/eq_abl, then SEEDS="1 2" for the table's seeds
set -euo pipefail
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer lattice --codebook leech --optimizer adamw --init lattice --lr 3e-3 --min_lr 0.0003 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-3 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer lattice --codebook leech --optimizer adamw --init lattice --lr 1e-2 --min_lr 0.001 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/leech-adamw-lattice-lr1e-2 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer lattice --codebook leech --optimizer adamw --init lattice --lr 3e-2 --min_lr 0.003 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-2 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer lattice --codebook leech --optimizer adamw --init lattice --lr 1e-1 --min_lr 0.01 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/leech-adamw-lattice-lr1e-1 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer ternary --optimizer pollux --h_floor 1.5 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/ternary-pollux-hfloor1.5 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer ternary --optimizer pollux --h_floor 1.8 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/ternary-pollux-hfloor1.8 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer ternary --optimizer pollux --h_floor 2.1 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/ternary-pollux-hfloor2.1 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer ternary --optimizer pollux --h_floor 2.4 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/ternary-pollux-hfloor2.4 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer ternary --optimizer pollux --h_floor 3 --seed 101 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/sweep/ternary-pollux-hfloor3 --overwrite 
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-3/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-3.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/leech-adamw-lattice-lr1e-2/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/leech-adamw-lattice-lr1e-2.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-2/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-2.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/leech-adamw-lattice-lr1e-1/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/leech-adamw-lattice-lr1e-1.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/ternary-pollux-hfloor1.5/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/ternary-pollux-hfloor1.5.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/ternary-pollux-hfloor1.8/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/ternary-pollux-hfloor1.8.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/ternary-pollux-hfloor2.1/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/ternary-pollux-hfloor2.1.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/ternary-pollux-hfloor2.4/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/ternary-pollux-hfloor2.4.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/ternary-pollux-hfloor3/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/ternary-pollux-hfloor3.val.json
/tmp/abl_bin/pollux-eval /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-3/pollux_step_600.h5 --data /work/runs/eq_abl/data/validation.u16 --json > /work/runs/eq_abl/sweep/leech-adamw-lattice-lr3e-3.val.json
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer lattice --codebook leech --optimizer adamw --init lattice --lr 3e-2 --min_lr 0.003 --seed 1 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/train/leech-adamw-s1 --overwrite 
/tmp/abl_bin/pollux-train --config /tmp/abl_run/small.ini --threads 1 --quantizer ternary --optimizer pollux --h_floor 3 --seed 1 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/train/ternary-pollux-s1 --overwrite 
# the ablations' seed-1 held-out loss and deployed bytes (run.sh was stopped after seed 1 trained, for machine time), in /work/runs/eq_abl
for r in leech-adamw ternary-pollux; do /tmp/abl_bin/pollux-eval train/$r-s1/pollux_step_600.h5 --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > eval/$r-s1.loss.json; /tmp/abl_bin/pollux-inspect train/$r-s1/pollux_step_600.h5 --json > eval/$r-s1.inspect.json; done
# issue 30's contF routes (2026-12-07 06:53-07:11 UTC, binaries of commit 795745f copied to /tmp/eq_bin):
# POLLUX_BIN=/tmp/eq_bin ROUTES="cont50-leech cont80-leech cont50-ternary cont80-ternary" SEEDS="1 2 3" experiments/equal_tokens/run.sh small /work/runs/eq_small
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 2 --max_steps 300 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 2 --max_steps 480 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 3 --max_steps 300 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer none --init lattice --lr 1e-1 --min_lr 0.01 --seed 3 --max_steps 480 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 1 --max_steps 300 --init_from /work/runs/eq_small/train/cont50-s1/pollux_step_300.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-leech-s1 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 1 --max_steps 120 --init_from /work/runs/eq_small/train/cont80-s1/pollux_step_480.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-leech-s1 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 1 --max_steps 300 --init_from /work/runs/eq_small/train/cont50-s1/pollux_step_300.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-ternary-s1 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 1 --max_steps 120 --init_from /work/runs/eq_small/train/cont80-s1/pollux_step_480.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-ternary-s1 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 2 --max_steps 300 --init_from /work/runs/eq_small/train/cont50-s2/pollux_step_300.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-leech-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 2 --max_steps 120 --init_from /work/runs/eq_small/train/cont80-s2/pollux_step_480.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-leech-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 2 --max_steps 300 --init_from /work/runs/eq_small/train/cont50-s2/pollux_step_300.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-ternary-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 2 --max_steps 120 --init_from /work/runs/eq_small/train/cont80-s2/pollux_step_480.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-ternary-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 3 --max_steps 300 --init_from /work/runs/eq_small/train/cont50-s3/pollux_step_300.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-leech-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer lattice --codebook leech --h_floor 2.4 --seed 3 --max_steps 120 --init_from /work/runs/eq_small/train/cont80-s3/pollux_step_480.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-leech-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 3 --max_steps 300 --init_from /work/runs/eq_small/train/cont50-s3/pollux_step_300.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont50-ternary-s3 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer ternary --init lattice --lr 3e-2 --min_lr 0.003 --seed 3 --max_steps 120 --init_from /work/runs/eq_small/train/cont80-s3/pollux_step_480.h5 --data /work/runs/eq_small/data/train.u16 --out /work/runs/eq_small/train/cont80-ternary-s3 --overwrite 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont50-leech-s1/pollux_step_300.h5 --output /work/runs/eq_small/train/cont50-leech-s1.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont80-leech-s1/pollux_step_120.h5 --output /work/runs/eq_small/train/cont80-leech-s1.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont50-ternary-s1/pollux_step_300.h5 --output /work/runs/eq_small/train/cont50-ternary-s1.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont80-ternary-s1/pollux_step_120.h5 --output /work/runs/eq_small/train/cont80-ternary-s1.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont50-leech-s2/pollux_step_300.h5 --output /work/runs/eq_small/train/cont50-leech-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont80-leech-s2/pollux_step_120.h5 --output /work/runs/eq_small/train/cont80-leech-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont50-ternary-s2/pollux_step_300.h5 --output /work/runs/eq_small/train/cont50-ternary-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont80-ternary-s2/pollux_step_120.h5 --output /work/runs/eq_small/train/cont80-ternary-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont50-leech-s3/pollux_step_300.h5 --output /work/runs/eq_small/train/cont50-leech-s3.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont80-leech-s3/pollux_step_120.h5 --output /work/runs/eq_small/train/cont80-leech-s3.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont50-ternary-s3/pollux_step_300.h5 --output /work/runs/eq_small/train/cont50-ternary-s3.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_small/train/cont80-ternary-s3/pollux_step_120.h5 --output /work/runs/eq_small/train/cont80-ternary-s3.plx 
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s1.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont50-leech-s1.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s1.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont50-leech-s1.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont50-leech-s1.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont50-leech-s1.plx --json > /work/runs/eq_small/eval/cont50-leech-s1.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s1.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont80-leech-s1.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s1.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont80-leech-s1.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont80-leech-s1.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont80-leech-s1.plx --json > /work/runs/eq_small/eval/cont80-leech-s1.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s1.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont50-ternary-s1.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s1.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont50-ternary-s1.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont50-ternary-s1.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont50-ternary-s1.plx --json > /work/runs/eq_small/eval/cont50-ternary-s1.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s1.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont80-ternary-s1.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s1.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont80-ternary-s1.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s1.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont80-ternary-s1.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont80-ternary-s1.plx --json > /work/runs/eq_small/eval/cont80-ternary-s1.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont50-leech-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont50-leech-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont50-leech-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont50-leech-s2.plx --json > /work/runs/eq_small/eval/cont50-leech-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont80-leech-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont80-leech-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont80-leech-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont80-leech-s2.plx --json > /work/runs/eq_small/eval/cont80-leech-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont50-ternary-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont50-ternary-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont50-ternary-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont50-ternary-s2.plx --json > /work/runs/eq_small/eval/cont50-ternary-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s2.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont80-ternary-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s2.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont80-ternary-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont80-ternary-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont80-ternary-s2.plx --json > /work/runs/eq_small/eval/cont80-ternary-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont50-leech-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont50-leech-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-leech-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont50-leech-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont50-leech-s3.plx --json > /work/runs/eq_small/eval/cont50-leech-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont80-leech-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont80-leech-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-leech-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont80-leech-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont80-leech-s3.plx --json > /work/runs/eq_small/eval/cont80-leech-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont50-ternary-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont50-ternary-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont50-ternary-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont50-ternary-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont50-ternary-s3.plx --json > /work/runs/eq_small/eval/cont50-ternary-s3.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s3.plx --data /work/runs/eq_small/data/heldout.u16 --runtime dense --json > /work/runs/eq_small/eval/cont80-ternary-s3.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s3.plx --tasks wikitext --task_dir /work/runs/eq_small/data/tasks --json > /work/runs/eq_small/eval/cont80-ternary-s3.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_small/train/cont80-ternary-s3.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_small/eval/cont80-ternary-s3.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_small/train/cont80-ternary-s3.plx --json > /work/runs/eq_small/eval/cont80-ternary-s3.inspect.json
# issue 31's ablations, seed 2 (2026-12-07 08:08-08:15 UTC, binaries of commit 795745f in /tmp/eq_bin), in /work/runs/eq_abl:
# POLLUX_BIN=/tmp/eq_bin SEEDS="2" ROUTES="leech-adamw ternary-pollux" experiments/equal_tokens/run.sh small /work/runs/eq_abl
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer lattice --codebook leech --optimizer adamw --init lattice --lr 3e-2 --min_lr 0.003 --seed 2 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/train/leech-adamw-s2 --overwrite 
/tmp/eq_bin/pollux-train --config /tmp/eq_exp/experiments/equal_tokens/small.ini --threads 1 --quantizer ternary --optimizer pollux --h_floor 3 --seed 2 --data /work/runs/eq_abl/data/train.u16 --out /work/runs/eq_abl/train/ternary-pollux-s2 --overwrite 
/tmp/eq_bin/pollux-pack /work/runs/eq_abl/train/leech-adamw-s2/pollux_step_600.h5 --output /work/runs/eq_abl/train/leech-adamw-s2.plx 
/tmp/eq_bin/pollux-pack /work/runs/eq_abl/train/ternary-pollux-s2/pollux_step_600.h5 --output /work/runs/eq_abl/train/ternary-pollux-s2.plx 
/tmp/eq_bin/pollux-eval /work/runs/eq_abl/train/leech-adamw-s2.plx --data /work/runs/eq_abl/data/heldout.u16 --runtime dense --json > /work/runs/eq_abl/eval/leech-adamw-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_abl/train/leech-adamw-s2.plx --tasks wikitext --task_dir /work/runs/eq_abl/data/tasks --json > /work/runs/eq_abl/eval/leech-adamw-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_abl/train/leech-adamw-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_abl/eval/leech-adamw-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_abl/train/leech-adamw-s2.plx --json > /work/runs/eq_abl/eval/leech-adamw-s2.inspect.json
/tmp/eq_bin/pollux-eval /work/runs/eq_abl/train/ternary-pollux-s2.plx --data /work/runs/eq_abl/data/heldout.u16 --runtime dense --json > /work/runs/eq_abl/eval/ternary-pollux-s2.loss.json
/tmp/eq_bin/pollux-eval /work/runs/eq_abl/train/ternary-pollux-s2.plx --tasks wikitext --task_dir /work/runs/eq_abl/data/tasks --json > /work/runs/eq_abl/eval/ternary-pollux-s2.wikitext.json
/tmp/eq_bin/pollux-eval /work/runs/eq_abl/train/ternary-pollux-s2.plx --blimp /work/shared/data/blimp --limit 20 --json > /work/runs/eq_abl/eval/ternary-pollux-s2.blimp.json
/tmp/eq_bin/pollux-inspect /work/runs/eq_abl/train/ternary-pollux-s2.plx --json > /work/runs/eq_abl/eval/ternary-pollux-s2.inspect.json
