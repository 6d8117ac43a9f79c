// Communication between the ranks of a data-parallel run, over LibTorch's c10d: Gloo on the
// CPU, NCCL on CUDA, a TCPStore for the rendezvous. The launcher (torchrun, srun, or plain
// environment variables) says who is who; a run without WORLD_SIZE (or with 1) is one rank
// and every collective is the identity.
//
// CPU ranks use c10d's ProcessGroupGloo, CUDA ranks ProcessGroupNCCL (one GPU per rank, picked
// by LOCAL_RANK); tensors handed to a collective may live on the host, they are moved to the
// group's device and back.
#pragma once

#include <ATen/ATen.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace pollux {

// Where this process stands, from RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT
// and TORCHELASTIC_USE_AGENT_STORE (torchrun's names; srun's SLURM_PROCID, SLURM_NTASKS and
// SLURM_LOCALID are read where RANK, WORLD_SIZE and LOCAL_RANK are absent).
struct DistEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  bool agent_store = false;  // the launcher hosts the store: every rank connects as a client
  // Started by a launcher (WORLD_SIZE set, or more than one Slurm task): a process group is
  // joined even for one rank, so that world size 1 runs the same path as N.
  bool launched = false;

  // Throws pollux::Error naming the variable for a malformed or inconsistent value.
  static DistEnv from_environment();
};

// Rows [begin, begin + count) of a matrix of `rows` rows are rank r's: ceil(rows / world)
// rows each (`padded`), the last ranks taking fewer (possibly none).
struct RowShard {
  std::int64_t begin = 0, count = 0, padded = 0;
};
RowShard shard_rows(std::int64_t rows, int rank, int world_size);

// Lattice indices (int32 rows x atoms, each in [0, 2^18)) packed four to 9 bytes per row
// (a row's last group padded with zeros), and back (`atoms` per row). Any device.
at::Tensor pack_indices_18(const at::Tensor& indices);
at::Tensor unpack_indices_18(const at::Tensor& packed, std::int64_t atoms);

class Comm {
 public:
  // Joins the process group the environment describes (when it was launched); `timeout`
  // bounds the rendezvous and every collective, so a rank that dies ends the others with an
  // error instead of a hang (on NCCL, its watchdog aborts the process at the timeout).
  Comm(const DistEnv& env, at::Device device, std::chrono::milliseconds timeout);
  ~Comm();  // shuts the process group down
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  bool distributed() const { return group_ != nullptr; }

  // In place: t becomes the sum over ranks.
  void all_reduce_sum(at::Tensor& t);
  // The rows of `full` (a matrix, or a vector as rows of 1) summed over ranks; returns this
  // rank's shard_rows slice of the sum.
  at::Tensor reduce_scatter_rows(const at::Tensor& full);
  // Every rank's shard_rows slice of a matrix of `rows` rows, put together in rank order.
  at::Tensor all_gather_rows(const at::Tensor& slice, std::int64_t rows);
  // As all_gather_rows for lattice indices (int32 rows x atoms, each below 2^18): they travel
  // packed, 18 bits per atom (pack_indices_18), 21x fewer bytes than bfloat16 weights.
  at::Tensor all_gather_index_rows(const at::Tensor& slice, std::int64_t rows);
  // Bytes this rank has handed to collectives so far (its inputs), by kind.
  struct Traffic {
    std::uint64_t all_reduce = 0, reduce_scatter = 0, all_gather = 0;
  };
  const Traffic& traffic() const { return traffic_; }

 private:
  struct Group;
  DistEnv env_;
  at::Device device_;  // where the group's collectives run
  std::unique_ptr<Group> group_;
  Traffic traffic_;
};

}  // namespace pollux
