#!/usr/bin/env bash
# Installs everything Pollux needs on a fresh Debian/Ubuntu machine. Idempotent: a step
# whose result is already present is skipped, so CI and fresh clones reuse the venv.
#
#   POLLUX_VENV   where the Python venv with torch lives (default ~/.cache/pollux/venv)
#   POLLUX_TORCH  the torch requirement (default torch==2.11.0)
#   POLLUX_PYARROW  the pyarrow requirement (default pyarrow==22.0.0): its wheel carries the
#                 Arrow/Parquet C++ libraries pollux-prepare reads parquet with
#   POLLUX_HF_REQS  what reads a run's TensorBoard files and loads pollux-export's Hugging Face
#                 folders in the tests (default tensorboard==2.21.0 transformers==5.23.0
#                 safetensors==0.8.0)
#   POLLUX_LM_EVAL=1  also install lm-evaluation-harness (POLLUX_LM_EVAL_REQ, default
#                 lm_eval==0.4.13) for tools/lm_eval_pollux.py and the e2e.lm_eval_parity test;
#                 pyarrow is held at POLLUX_PYARROW (lm_eval's datasets would upgrade it and
#                 break the Arrow/Parquet C++ libraries the build links), and accelerate
#                 (POLLUX_ACCELERATE, default accelerate==1.15.0) for lm_eval's hf model
set -euo pipefail

venv="${POLLUX_VENV:-$HOME/.cache/pollux/venv}"
torch_req="${POLLUX_TORCH:-torch==2.11.0}"
pyarrow_req="${POLLUX_PYARROW:-pyarrow==22.0.0}"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------------------
debs=(g++ cmake ninja-build pkg-config python3 python3-venv
      libboost-program-options-dev libhdf5-dev libssl-dev libspdlog-dev libfmt-dev catch2 libgloo-dev)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  say "installing ${missing[*]}"
  log="$(mktemp)"
  $sudo apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed: is the Debian registry reachable?"; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
    || { cat "$log" >&2; die "apt-get install ${missing[*]} failed: is the Debian registry reachable?"; }
  rm -f "$log"
else
  say "Debian packages present"
fi

# --- torch in a venv outside the checkout ----------------------------------------------
if [ ! -x "$venv/bin/python" ]; then
  say "creating venv $venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv" || die "could not create venv at $venv"
fi
want="${torch_req#torch==}"
have="$("$venv/bin/python" -c 'import torch; print(torch.__version__.split("+")[0])' 2>/dev/null || true)"
if [ "$have" != "$want" ]; then
  say "installing $torch_req into $venv (large download, once)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$torch_req" numpy h5py matplotlib \
    || die "pip install $torch_req failed: is PyPI reachable?"
else
  say "torch $have present in $venv"
fi
"$venv/bin/python" -c 'import h5py, numpy, matplotlib' 2>/dev/null \
  || "$venv/bin/python" -m pip install -q --disable-pip-version-check numpy h5py matplotlib \
  || die "pip install numpy h5py matplotlib failed: is PyPI reachable?"
have="$("$venv/bin/python" -c 'import pyarrow; print(pyarrow.__version__)' 2>/dev/null || true)"
if [ "$have" != "${pyarrow_req#pyarrow==}" ]; then
  say "installing $pyarrow_req into $venv (parquet input for pollux-prepare)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$pyarrow_req" \
    || die "pip install $pyarrow_req failed: is PyPI reachable?"
fi
read -r -a hf_reqs <<<"${POLLUX_HF_REQS:-tensorboard==2.21.0 transformers==5.23.0 safetensors==0.8.0}"
hf_missing=()
for req in "${hf_reqs[@]}"; do
  have="$("$venv/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "${req%%==*}" 2>/dev/null || true)"
  [ "$have" = "${req#*==}" ] || hf_missing+=("$req")
done
if ((${#hf_missing[@]})); then
  say "installing ${hf_missing[*]} into $venv (TensorBoard files and Hugging Face exports in the tests)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${hf_missing[@]}" "$pyarrow_req" \
    || die "pip install ${hf_missing[*]} failed: is PyPI reachable?"
fi
if [ "${POLLUX_LM_EVAL:-0}" = 1 ]; then
  lm_eval_req="${POLLUX_LM_EVAL_REQ:-lm_eval==0.4.13}"
  have="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("lm_eval"))' 2>/dev/null || true)"
  if [ "$have" != "${lm_eval_req#lm_eval==}" ]; then
    say "installing $lm_eval_req into $venv (lm-evaluation-harness adapter)"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$lm_eval_req" "$pyarrow_req" \
      || die "pip install $lm_eval_req failed: is PyPI reachable?"
  fi
  # lm_eval's hf model (e2e.hf_lm_eval, on pollux-export's folders) imports accelerate.
  accelerate_req="${POLLUX_ACCELERATE:-accelerate==1.15.0}"
  have="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("accelerate"))' 2>/dev/null || true)"
  if [ "$have" != "${accelerate_req#accelerate==}" ]; then
    say "installing $accelerate_req into $venv (lm_eval --model hf)"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$accelerate_req" "$pyarrow_req" \
      || die "pip install $accelerate_req failed: is PyPI reachable?"
  fi
fi
say "ready: venv $venv"
