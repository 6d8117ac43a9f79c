// Import of the reference trainer's checkpoints: a torch.save zip holding step, tokens_seen,
// model_state_dict, physics_state_dict = {tensors, m_buffers, v_buffers,
// continuous_pre_weights} and config (shared/README.md). The file is read without unpickling
// arbitrary objects: its stored zip entries are parsed and a restricted pickle reader accepts
// only what torch.save writes for tensors and plain data (dicts, lists, tuples, numbers,
// strings, collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.*Storage).
#pragma once

#include <string>

#include "pollux/io/checkpoint.h"

namespace pollux {

// The reference's state as one of our checkpoints: codebook pollux-v4, its bfloat16 search,
// h_floor as given (the reference does not store it). The lattice matrices' indices and row
// scales are the projection of the stored latents, checked against the stored weights.
// Throws pollux::Error naming the file for anything else (not a zip, compressed entries, a
// pickle opcode or global outside that set, missing or misshapen tensors).
Checkpoint import_reference_checkpoint(const std::string& path, double h_floor);

}  // namespace pollux
