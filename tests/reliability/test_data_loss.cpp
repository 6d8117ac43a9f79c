// Issue 25, "Data lost": what must be refused before a good file is replaced.
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "pollux/base/error.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/model.h"
#include "pollux/runtime/model_file.h"
#include "../support/small_model.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"

namespace {

using namespace pollux;

// A lattice checkpoint of `shape` (all atoms at index 1, sigma 1), whatever Config::validate
// would say of the shape: what pollux-pack is handed by an older trainer or a hand-made file.
Checkpoint lattice_checkpoint(const ModelConfig& shape) {
  Checkpoint ck;
  ck.config.model = shape;
  ck.config.quantizer = "lattice";
  ck.codebook = "leech";
  ck.step = 1;
  PolluxModel model(shape, 0, at::kCPU);
  for (const auto& p : model.parameters()) {
    if (!p.lattice()) {
      ck.weights[p.name] = at::ones_like(p.value);
      continue;
    }
    const std::int64_t rows = p.value.size(0);
    ck.optimizer.tensors["indices/" + p.name] = at::ones({rows, p.value.numel() / rows / 24}, at::kInt);
    ck.optimizer.tensors["sigma/" + p.name] = at::ones({rows});
  }
  return ck;
}

}  // namespace

TEST_CASE("reliability: a .plx image no reader takes is refused before it is written", "[reliability]") {
  // seq_len 3 at width 48: pos_emb's 3 rows of 2 atoms pack into 18 bytes, which readers
  // cannot split into whole rows; seq_len 1: one row of 2 atoms padded to 9 bytes reads as 4.
  for (const int seq_len : {3, 1}) {
    const lattice::PlxFile file = pack_checkpoint(lattice_checkpoint(test::small_model(1, seq_len)), 5);
    CHECK_THROWS_WITH(check_plx_image(lattice::serialize_plx(file), "out.plx"), Catch::Contains("out.plx"));
  }
  const lattice::PlxFile good = pack_checkpoint(lattice_checkpoint(test::small_model(1, 4)), 5);
  CHECK_NOTHROW(check_plx_image(lattice::serialize_plx(good), "out.plx"));
}
