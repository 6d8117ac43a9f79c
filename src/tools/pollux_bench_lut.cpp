// pollux-bench-lut: `pollux-bench decode --runtime lut` in a program that links no LibTorch,
// only the matrix-free runtime (pollux_infer): its peak resident memory is the packed model's.
#include "bench.h"
#include "cli.h"

int main(int argc, char** argv) {
  return pollux::cli::run("pollux-bench-lut", [&] {
    const auto run = pollux::bench::parse_decode(argc, argv, "pollux-bench-lut");
    return run ? pollux::bench::decode_lut(*run) : 0;
  });
}
