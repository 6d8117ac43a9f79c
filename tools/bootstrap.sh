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
# Installs each pinned NAME==VERSION whose installed version differs ($1 says what for); the
# pyarrow pin rides along, so pip never moves it.
pip_pinned() {
  local why="$1" req have missing=()
  shift
  for req in "$@"; do
    have="$("$venv/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "${req%%==*}" 2>/dev/null || true)"
    [ "$have" = "${req#*==}" ] || missing+=("$req")
  done
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]} into $venv ($why)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "${missing[@]}" "$pyarrow_req" \
    || die "pip install ${missing[*]} failed: is PyPI reachable?"
}
read -r -a hf_reqs <<<"${POLLUX_HF_REQS:-tensorboard==2.21.0 transformers==5.23.0 safetensors==0.8.0}"
pip_pinned "TensorBoard files and Hugging Face exports in the tests" "${hf_reqs[@]}"
if [ "${POLLUX_LM_EVAL:-0}" = 1 ]; then
  pip_pinned "lm-evaluation-harness adapter" "${POLLUX_LM_EVAL_REQ:-lm_eval==0.4.13}"
  # lm_eval's hf model (e2e.hf_lm_eval, on pollux-export's folders) imports accelerate.
  pip_pinned "lm_eval --model hf" "${POLLUX_ACCELERATE:-accelerate==1.15.0}"
fi
say "ready: venv $venv"
