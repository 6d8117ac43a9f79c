#include "pollux/dist/comm.h"

#include <cstdlib>
#include <string>
#include <vector>

#include <ATen/record_function.h>
#include <c10/util/Exception.h>
#include <c10/util/Logging.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef POLLUX_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef POLLUX_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "pollux/base/error.h"
#include "pollux/lattice/constants.h"

namespace pollux {
namespace {

// The variable's value, or the first of the fallbacks that is set, or "".
std::string env(std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const char* v = std::getenv(name); v && *v) return v;
  return "";
}

int env_int(std::initializer_list<const char*> names, int fallback, int min) {
  const std::string text = env(names);
  if (text.empty()) return fallback;
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) { used = 0; }
  if (used != text.size() || value < min)
    throw Error("dist", "environment variable " + std::string(*names.begin()) + " = '" + text +
                            "' is not an integer >= " + std::to_string(min));
  return value;
}

// c10d's errors carry a C++ backtrace; one line is what a user needs.
[[noreturn]] void rethrow(const char* what, const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  std::string message = c10 ? c10->what_without_backtrace() : e.what();
  if (auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  throw Error("dist", std::string(what) + " failed (a rank died or timed out?): " + message);
}

// Starts one collective and waits for it, under the profiler range "pollux::<what>"; c10d's
// failure (a dead or silent peer) becomes one pollux::Error line.
template <typename Start>
void complete(const char* what, Start&& start) {
  RECORD_USER_SCOPE(std::string("pollux::") + what);
  try {
    start()->wait();
  } catch (const std::exception& e) { rethrow(what, e); }
}

// A matrix view of t: rows x everything else (a vector is rows of 1).
at::Tensor as_rows(const at::Tensor& t) { return t.reshape({t.size(0), -1}); }

}  // namespace

DistEnv DistEnv::from_environment() {
  DistEnv e;
  e.world_size = env_int({"WORLD_SIZE", "SLURM_NTASKS"}, 1, 1);
  e.launched = !env({"WORLD_SIZE"}).empty() || e.world_size > 1;
  e.rank = env_int({"RANK", "SLURM_PROCID"}, 0, 0);
  e.local_rank = env_int({"LOCAL_RANK", "SLURM_LOCALID"}, 0, 0);
  if (e.rank >= e.world_size)
    throw Error("dist", "RANK = " + std::to_string(e.rank) + " is not below WORLD_SIZE = " + std::to_string(e.world_size));
  if (const std::string addr = env({"MASTER_ADDR"}); !addr.empty()) e.master_addr = addr;
  e.master_port = env_int({"MASTER_PORT"}, e.master_port, 1);
  if (e.master_port > 65535)
    throw Error("dist", "environment variable MASTER_PORT = " + std::to_string(e.master_port) + " is not a port");
  const std::string agent = env({"TORCHELASTIC_USE_AGENT_STORE"});
  e.agent_store = agent == "True" || agent == "true" || agent == "1";
  return e;
}

RowShard shard_rows(std::int64_t rows, int rank, int world_size) {
  RowShard s;
  s.padded = (rows + world_size - 1) / world_size;
  s.begin = std::min(rows, s.padded * rank);
  s.count = std::min(rows, s.begin + s.padded) - s.begin;
  return s;
}

struct Comm::Group {
  c10::intrusive_ptr<c10d::Backend> backend;
};

namespace {

// The backend of a group of `env.world_size` ranks on `device`, or null where this build has
// none for that device and the run is one rank (its collectives are then the identity).
c10::intrusive_ptr<c10d::Backend> make_backend(const DistEnv& env, at::Device device,
                                               const c10::intrusive_ptr<c10d::Store>& store, std::chrono::milliseconds timeout) {
  if (device.is_cuda()) {
#ifdef POLLUX_WITH_NCCL
    c10::cuda::set_device(c10::DeviceIndex(env.local_rank));
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world_size, options);
#else
    if (env.world_size == 1) return {};
    throw Error("dist",
                "WORLD_SIZE = " + std::to_string(env.world_size) +
                    " with device = cuda needs ProcessGroupNCCL, which this build lacks (no nccl.h found at configure time)");
#endif
  }
#ifdef POLLUX_WITH_GLOO
  return c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size,
                                                     c10d::ProcessGroupGloo::Options::create_default(timeout));
#else
  if (env.world_size == 1) return {};
  throw Error("dist", "WORLD_SIZE = " + std::to_string(env.world_size) +
                          " but this build has no Gloo for CPU ranks (install Debian's libgloo-dev and reconfigure)");
#endif
}

}  // namespace

Comm::Comm(const DistEnv& env, at::Device device, std::chrono::milliseconds timeout) : env_(env), device_(device) {
  if (!env.launched) return;
  c10::intrusive_ptr<c10d::Backend> backend;
  // c10d logs each failed connection attempt (an unresolvable MASTER_ADDR gave 46 lines, a
  // backtrace among them) before it throws: joining is quiet, its failure one line (rethrow).
  struct QuietLog {
    int saved = FLAGS_caffe2_log_level;
    QuietLog() { FLAGS_caffe2_log_level = 3; }  // FATAL only
    ~QuietLog() { FLAGS_caffe2_log_level = saved; }
  } quiet;
  try {
    c10d::TCPStoreOptions options;
    options.port = std::uint16_t(env.master_port);
    options.isServer = !env.agent_store && env.rank == 0;
    options.numWorkers = env.world_size;
    options.waitWorkers = false;
    options.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
    backend = make_backend(env, device, c10::make_intrusive<c10d::PrefixStore>("pollux/", tcp), timeout);
  } catch (const Error&) { throw; } catch (const std::exception& e) {
    rethrow(("joining the process group at " + env.master_addr + ":" + std::to_string(env.master_port)).c_str(), e);
  }
  if (!backend) return;
  group_ = std::make_unique<Group>();
  group_->backend = backend;
}

// The layout below is written out for four 18-bit indices in 9 bytes (not the file's, index_packing.h).
static_assert(lattice::kIndexBits == 18 && lattice::kIndicesPerGroup == 4 && lattice::kGroupBytes == 9);

at::Tensor pack_indices_18(const at::Tensor& indices) {
  const std::int64_t rows = indices.size(0), atoms = indices.size(1), groups = (atoms + 3) / 4;
  at::Tensor a = at::zeros({rows, groups * 4}, indices.options().dtype(at::kLong));
  a.narrow(1, 0, atoms).copy_(indices);
  a = a.view({rows, groups, 4});
  // atoms 0-2 and the low 10 bits of atom 3 fill 64 bits; its high 8 bits are the ninth byte
  const at::Tensor low = a.select(2, 0)
                             .bitwise_or(a.select(2, 1).bitwise_left_shift(18))
                             .bitwise_or(a.select(2, 2).bitwise_left_shift(36))
                             .bitwise_or(a.select(2, 3).bitwise_and(0x3FF).bitwise_left_shift(54))
                             .contiguous();
  const at::Tensor high = a.select(2, 3).bitwise_right_shift(10).to(at::kByte);
  return at::cat({low.view(at::kByte).view({rows, groups, 8}), high.unsqueeze(2)}, 2).view({rows, groups * 9});
}

at::Tensor unpack_indices_18(const at::Tensor& packed, std::int64_t atoms) {
  const std::int64_t rows = packed.size(0), groups = packed.size(1) / 9;
  const at::Tensor bytes = packed.view({rows, groups, 9});
  const at::Tensor low = bytes.narrow(2, 0, 8).contiguous().view(at::kLong).view({rows, groups});
  const at::Tensor high = bytes.select(2, 8).to(at::kLong);
  constexpr std::int64_t mask = lattice::kIndexMask;
  // >> is arithmetic on int64: every field is masked after its shift
  const at::Tensor a = at::stack(
      {low.bitwise_and(mask), low.bitwise_right_shift(18).bitwise_and(mask), low.bitwise_right_shift(36).bitwise_and(mask),
       low.bitwise_right_shift(54).bitwise_and(0x3FF).bitwise_or(high.bitwise_left_shift(10))},
      2);
  return a.view({rows, groups * 4}).narrow(1, 0, atoms).to(at::kInt).contiguous();
}

at::Tensor Comm::all_gather_index_rows(const at::Tensor& slice, std::int64_t rows) {
  if (!distributed()) return slice;
  return unpack_indices_18(all_gather_rows(pack_indices_18(slice), rows), slice.size(1));
}

Comm::~Comm() {
  if (!group_) return;
  try {
    group_->backend->shutdown();
  } catch (const std::exception&) {  // a dead peer: nothing left to shut down cleanly
  }
}

void Comm::all_reduce_sum(at::Tensor& t) {
  if (!distributed()) return;
  traffic_.all_reduce += std::uint64_t(t.nbytes());
  std::vector<at::Tensor> tensors{t.to(device_)};  // a host scalar (the loss, a stop flag) goes to the GPU on NCCL
  complete("all_reduce", [&] { return group_->backend->allreduce(tensors); });
  if (!tensors[0].is_same(t)) t.copy_(tensors[0]);
}

at::Tensor Comm::reduce_scatter_rows(const at::Tensor& full) {
  if (!distributed()) return full;
  const at::Tensor rows = as_rows(full).to(device_);
  const RowShard shard = shard_rows(rows.size(0), env_.rank, env_.world_size);
  at::Tensor in = at::zeros({shard.padded * env_.world_size, rows.size(1)}, rows.options());
  in.narrow(0, 0, rows.size(0)).copy_(rows);
  at::Tensor out = at::empty({shard.padded, rows.size(1)}, rows.options());
  traffic_.reduce_scatter += std::uint64_t(in.nbytes());
  complete("reduce_scatter", [&] { return group_->backend->_reduce_scatter_base(out, in); });
  std::vector<std::int64_t> shape = full.sizes().vec();
  shape[0] = shard.count;
  return out.narrow(0, 0, shard.count).reshape(shape).to(full.device());
}

at::Tensor Comm::all_gather_rows(const at::Tensor& slice, std::int64_t rows) {
  if (!distributed()) return slice;
  const RowShard shard = shard_rows(rows, env_.rank, env_.world_size);
  std::int64_t width = 1;
  for (std::int64_t d = 1; d < slice.dim(); ++d) width *= slice.size(d);
  at::Tensor in = at::zeros({shard.padded, width}, slice.options().device(device_));
  if (shard.count > 0) in.narrow(0, 0, shard.count).copy_(slice.reshape({shard.count, width}));
  at::Tensor out = at::empty({shard.padded * env_.world_size, width}, slice.options().device(device_));
  traffic_.all_gather += std::uint64_t(in.nbytes());
  complete("all_gather", [&] { return group_->backend->_allgather_base(out, in); });
  std::vector<std::int64_t> shape = slice.sizes().vec();
  shape[0] = rows;
  return out.narrow(0, 0, rows).reshape(shape).to(slice.device());
}

}  // namespace pollux
