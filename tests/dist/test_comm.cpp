// The communication interface: the launcher's environment, row shards, and the collectives
// between two real ranks (this process and a forked child) over c10d's Gloo backend.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>

// catch.h after ATen would lose CHECK to c10's glog-style macro: these tests use REQUIRE.
#include "../catch.h"
#include "pollux/base/error.h"
#include "pollux/dist/comm.h"

using namespace pollux;

namespace {

// Runs body(rank) as rank 0 here and rank 1 in a forked child; returns the child's exit
// status (0 when its body returned without throwing).
int two_ranks(int port, std::chrono::milliseconds timeout, const std::function<void(Comm&)>& body) {
  DistEnv env;
  env.world_size = 2;
  env.launched = true;
  env.master_port = port;
  const pid_t child = fork();
  if (child == 0) {
    int status = 0;
    try {
      env.rank = 1;
      Comm comm(env, at::kCPU, timeout);
      body(comm);
    } catch (...) { status = 1; }
    _exit(status);
  }
  {
    env.rank = 0;
    Comm comm(env, at::kCPU, timeout);
    body(comm);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int free_port() { return 20000 + int(getpid() % 20000); }

}  // namespace

TEST_CASE("DistEnv reads torchrun's variables and refuses bad ones by name") {
  setenv("WORLD_SIZE", "4", 1);
  setenv("RANK", "3", 1);
  setenv("LOCAL_RANK", "1", 1);
  setenv("MASTER_ADDR", "node7", 1);
  setenv("MASTER_PORT", "29999", 1);
  setenv("TORCHELASTIC_USE_AGENT_STORE", "True", 1);
  DistEnv e = DistEnv::from_environment();
  REQUIRE(e.world_size == 4);
  REQUIRE(e.rank == 3);
  REQUIRE(e.local_rank == 1);
  REQUIRE(e.master_addr == "node7");
  REQUIRE(e.master_port == 29999);
  REQUIRE(e.agent_store);
  REQUIRE(e.launched);
  setenv("RANK", "4", 1);
  CHECK_THROWS_WITH(DistEnv::from_environment(), Catch::Contains("RANK = 4 is not below WORLD_SIZE = 4"));
  setenv("WORLD_SIZE", "two", 1);
  CHECK_THROWS_WITH(DistEnv::from_environment(), Catch::Contains("WORLD_SIZE = 'two'"));
  for (const char* v : {"WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_USE_AGENT_STORE"})
    unsetenv(v);
  e = DistEnv::from_environment();
  REQUIRE(e.world_size == 1);
  REQUIRE(e.rank == 0);
  CHECK_FALSE(e.agent_store);
  CHECK_FALSE(e.launched);
  setenv("WORLD_SIZE", "1", 1);  // torchrun --nproc_per_node 1
  CHECK(DistEnv::from_environment().launched);
  unsetenv("WORLD_SIZE");
}

TEST_CASE("shard_rows gives every rank ceil(rows / world) rows, the last ones fewer") {
  REQUIRE(shard_rows(5, 0, 2).begin == 0);
  REQUIRE(shard_rows(5, 0, 2).count == 3);
  REQUIRE(shard_rows(5, 1, 2).begin == 3);
  REQUIRE(shard_rows(5, 1, 2).count == 2);
  REQUIRE(shard_rows(5, 1, 2).padded == 3);
  REQUIRE(shard_rows(1, 1, 2).count == 0);
  REQUIRE(shard_rows(96, 0, 1).count == 96);
}

TEST_CASE("one rank: the collectives are the identity") {
  Comm comm(DistEnv{}, at::kCPU, std::chrono::milliseconds(1000));
  at::Tensor t = at::arange(6, at::kFloat).view({3, 2});
  at::Tensor same = t.clone();
  comm.all_reduce_sum(same);
  REQUIRE(same.equal(t));
  REQUIRE(comm.reduce_scatter_rows(t).equal(t));
  REQUIRE(comm.all_gather_rows(t, 3).equal(t));
}

TEST_CASE("lattice indices pack to 18 bits each and back, for any number of atoms per row") {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);
  for (std::int64_t atoms : {1, 3, 4, 5, 48}) {
    INFO(atoms << " atoms per row");
    at::Tensor indices = at::randint(196561, {7, atoms}, gen, at::kInt);
    indices.view(-1)[0] = (1 << 18) - 1;  // every bit of the largest 18-bit value
    if (indices.numel() > 1) indices.view(-1)[1] = 196560;
    const at::Tensor packed = pack_indices_18(indices);
    REQUIRE(packed.scalar_type() == at::kByte);
    REQUIRE(packed.size(1) == 9 * ((atoms + 3) / 4));
    REQUIRE(unpack_indices_18(packed, atoms).equal(indices));
  }
}

TEST_CASE("one launched rank joins a group of one, whose collectives give the same tensors") {
  DistEnv env;
  env.launched = true;
  env.master_port = free_port() + 1;
  Comm comm(env, at::kCPU, std::chrono::milliseconds(10000));
  REQUIRE(comm.distributed());
  at::Tensor t = at::arange(10, at::kFloat).view({5, 2});
  at::Tensor sum = t.clone();
  comm.all_reduce_sum(sum);
  REQUIRE(sum.equal(t));
  REQUIRE(comm.reduce_scatter_rows(t).equal(t));
  REQUIRE(comm.all_gather_rows(t, 5).equal(t));
  REQUIRE(comm.traffic().all_gather == std::uint64_t(t.nbytes()));
}

TEST_CASE("two ranks: all_reduce, reduce_scatter and all_gather by rows over Gloo") {
  const int status = two_ranks(free_port(), std::chrono::milliseconds(20000), [](Comm& comm) {
    const double r = comm.rank();
    at::Tensor sum = at::full({3}, r + 1, at::kDouble);
    comm.all_reduce_sum(sum);
    if (!sum.equal(at::full({3}, 3.0, at::kDouble))) throw std::runtime_error("all_reduce");
    // a 5 x 2 matrix: rank 0 gets rows 0-2 of the sum, rank 1 rows 3-4
    at::Tensor full = at::arange(10, at::kFloat).view({5, 2}) * float(r + 1);
    at::Tensor mine = comm.reduce_scatter_rows(full);
    const RowShard s = shard_rows(5, comm.rank(), 2);
    if (!mine.equal((at::arange(10, at::kFloat).view({5, 2}) * 3).narrow(0, s.begin, s.count))) throw std::runtime_error("rs");
    at::Tensor back = comm.all_gather_rows(mine, 5);
    if (!back.equal(at::arange(10, at::kFloat).view({5, 2}) * 3)) throw std::runtime_error("ag");
    // a vector of one row: rank 1 holds nothing
    at::Tensor v = comm.reduce_scatter_rows(at::ones({1}, at::kInt));
    if (v.numel() != (comm.rank() == 0 ? 1 : 0)) throw std::runtime_error("rs vector");
    if (!comm.all_gather_rows(v * 2, 1).equal(at::full({1}, 4, at::kInt))) throw std::runtime_error("ag vector");
    if (comm.traffic().reduce_scatter != 6 * 2 * 4 + 2 * 4) throw std::runtime_error("traffic");
  });
  REQUIRE(status == 0);
}

TEST_CASE("two ranks: a rank that dies ends the other's next collective with an error") {
  const auto start = std::chrono::steady_clock::now();
  bool threw = false;
  two_ranks(free_port() + 1, std::chrono::milliseconds(3000), [&](Comm& comm) {
    if (comm.rank() == 1) _exit(9);
    at::Tensor t = at::ones({4});
    try {
      comm.all_reduce_sum(t);
    } catch (const Error& e) { threw = std::string(e.what()).find("[dist] all_reduce failed") != std::string::npos; }
  });
  REQUIRE(threw);
  REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}
