// A checkpoint's weights into a model: the one rule for every reader (the trainer's resume,
// pollux-ptq, the runtime's load and pack).
#pragma once

#include <string>

#include "pollux/io/checkpoint.h"
#include "pollux/model/model.h"

namespace pollux {

// Sets every parameter of `model` (built for checkpoint.config.model) from `checkpoint`:
// /weights/<name>, except the lattice matrices of a lattice checkpoint (quantizer = lattice;
// all but scope = backbone's int8 rows), which /weights never holds: their weight is
// codebook[/optimizer/indices/<name>] * /optimizer/sigma/<name> (checkpoint.h). Nothing else
// may be missing, nor have another shape: throws pollux::Error naming `path` and the weight.
// Tensors the model does not have are not read. With quantizer = ternary the parameters
// are the latents (model/ternary.h gives their forward weights).
void load_weights(const Checkpoint& checkpoint, PolluxModel& model, const std::string& path);

}  // namespace pollux
