# Builds Pollux on a CUDA 13 base the same way as on a developer machine and installs it
# (cmake --install: /usr/local/bin/pollux-*, the data, configs and Python tools in /usr/local/share/pollux):
#   docker build -t pollux .   then   docker run --gpus all pollux ctest --test-dir build
#   or                                docker run --gpus all -v $PWD:/work pollux pollux-train --config /usr/local/share/pollux/configs/tiny.ini ...
FROM nvidia/cuda:13.0.0-cudnn-devel-ubuntu24.04

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends sudo ca-certificates && rm -rf /var/lib/apt/lists/*

WORKDIR /pollux
COPY tools/bootstrap.sh tools/bootstrap.sh
# Packages and the torch venv first, so code changes do not redo them.
RUN tools/bootstrap.sh
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOLLUX_CUDA=ON && cmake --build build \
    && cmake --install build --prefix /usr/local
CMD ["ctest", "--test-dir", "build", "--output-on-failure"]
