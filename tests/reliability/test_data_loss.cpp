// Issue 25, "Data lost": what must be refused before a good file is replaced.
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "../support/small_model.h"
#include "pollux/base/error.h"
#include "pollux/lattice/plx.h"
#include "pollux/model/model.h"
#include "pollux/runtime/model_file.h"
// Catch last: a LibTorch header included after it would redefine CHECK as c10's fatal check.
#include "../catch.h"

namespace {

using namespace pollux;

// A lattice checkpoint of `shape` (all atoms at index 1, sigma 1), whatever Config::validate
// would say of the shape: what pollux-pack is handed by an older trainer or a hand-made file.
Checkpoint lattice_checkpoint(const ModelConfig& shape) {
  Checkpoint ck;
  ck.config.model = shape;
  ck.config.quantizer = QuantizerKind::lattice;
  ck.codebook = "leech";
  ck.step = 1;
  PolluxModel model(shape, 0, at::kCPU);
  for (const auto& p : model.parameters()) {
    if (!p.quantized_matrix()) {
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
  // What pollux-pack does before it writes: pack, serialize, read the image back as a loader
  // would. seq_len 3 at width 48: pos_emb's 3 rows of 2 atoms pack into 18 bytes, which
  // readers cannot split into whole rows; seq_len 1: one row of 2 atoms padded to 9 bytes
  // reads as 4. Either is refused by one of the steps, naming pos_emb or the file.
  auto image_checked = [](int seq_len) {
    const lattice::PlxFile file = pack_checkpoint(lattice_checkpoint(test::small_model(1, seq_len)), 5);
    check_plx_image(lattice::serialize_plx(file), "out.plx");
  };
  for (const int seq_len : {3, 1}) {
    INFO("seq_len " << seq_len);
    CHECK_THROWS_WITH(image_checked(seq_len), Catch::Contains("pos_emb") || Catch::Contains("out.plx"));
  }
  CHECK_NOTHROW(image_checked(4));
}
