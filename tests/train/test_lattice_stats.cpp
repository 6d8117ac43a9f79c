#include "../catch.h"
#include "../support/small_model.h"
#include "pollux/optim/optimizer.h"
#include "pollux/train/lattice_stats.h"

using namespace pollux;

namespace {

OptimizerState state_of(const std::vector<std::pair<std::string, std::vector<std::int32_t>>>& matrices) {
  OptimizerState s;
  for (const auto& [name, idx] : matrices) {
    s.tensors["indices/" + name] = at::tensor(at::ArrayRef<std::int32_t>(idx), at::kInt).view({2, -1});
    s.tensors["sigma/" + name] = at::tensor(at::ArrayRef<float>({0.5f, 2.0f}), at::kFloat);
  }
  return s;
}

}  // namespace

TEST_CASE("lattice stats: churn, null fraction and since_milestone per matrix, layer and overall", "[lattice_stats]") {
  const std::vector<std::string> names = {"blocks.10.mlp.fc1.weight", "blocks.2.attn.q_proj.weight", "tok_emb.weight"};
  const std::vector<std::string> groups = {
      "all", "blocks.2", "blocks.10", "blocks.10.mlp.fc1.weight", "blocks.2.attn.q_proj.weight", "tok_emb.weight"};
  CHECK(stats_groups(names) == groups);
  CHECK(layer_of("blocks.12.attn.o_proj.weight") == "blocks.12");
  CHECK(layer_of("head.weight").empty());

  const auto start = state_of({{names[0], {1, 2, 3, 4}}, {names[1], {0, 0, 5, 6}}, {names[2], {7, 8, 9, 10}}});
  LatticeStats stats(names, start);
  REQUIRE(!stats.empty());
  // step 1: fc1 changes one atom and loses one to the null atom; q_proj changes two
  const auto one = state_of({{names[0], {1, 0, 3, 4}}, {names[1], {0, 9, 9, 6}}, {names[2], {7, 8, 9, 10}}});
  const ChangedAtoms changed_one = changed_since(one, copy_indices(start));
  CHECK(changed_one.at(names[1]) == 2);
  const StatsTable table = lattice_table(one, changed_one, copy_indices(start));
  REQUIRE(table.size() == 6);
  CHECK(table[0].first == "all");
  CHECK(table[0].second.atoms == 12);
  CHECK(table[0].second.changed == 3);
  CHECK(table[0].second.null == 2);
  CHECK(table[1].first == "blocks.2");
  CHECK(table[1].second.changed == 2);
  CHECK(table[1].second.null == 1);
  CHECK(table[0].second.sigma_min == 0.5);
  CHECK(table[0].second.sigma_max == 2.0);
  CHECK(table[0].second.sigma_sum / double(table[0].second.rows) == 1.25);

  const std::string header = stats.csv_header();
  CHECK(header.rfind("step,all:churn,all:null,all:since_milestone,all:sigma_mean,all:sigma_min,all:sigma_max,blocks.2:churn",
                     0) == 0);
  // step 2 reverts q_proj's atom 1: churn 1 of 12 this step, 2 since the start (the milestone)
  const auto two = state_of({{names[0], {1, 0, 3, 4}}, {names[1], {0, 0, 9, 6}}, {names[2], {7, 8, 9, 10}}});
  // (the step reports its changed atoms: LatticeStats keeps no copy of the previous indices)
  CHECK(LatticeStats::csv_row(2, stats.table(two, changed_since(two, copy_indices(one))))
            .rfind("2,0.0833333,0.25,0.166667,1.25,0.5,2,", 0) == 0);
  stats.milestone(two);
  CHECK(LatticeStats::csv_row(3, stats.table(two, changed_since(two, copy_indices(two)))).rfind("3,0,0.25,0,", 0) == 0);
  // no previous form (a fresh optimizer): every atom counts as changed
  CHECK(changed_since(start, {}).at(names[0]) == 4);
  CHECK(lattice_table(start, {}, {})[0].second.changed == 12);
  CHECK(LatticeStats({}, OptimizerState{}).empty());
}

TEST_CASE("lattice stats: pollux_step reports each matrix's changed atoms, the same as a recount", "[lattice_stats]") {
  Config config;
  config.model = test::small_model(2, 16);
  config.h_floor = 1.0;
  PolluxModel model(config.model, 5, at::kCPU);
  auto optimizer = make_optimizer(config, model);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(9);
  std::map<std::string, at::Tensor> before;
  for (int step = 0; step < 4; ++step) {
    INFO("step " << step);
    for (auto& p : model.parameters()) p.value.mutable_grad() = at::Tensor();
    const at::Tensor w = at::randint(config.model.tokenizer_vocab_size, {2, config.model.seq_len + 1}, gen, at::kLong);
    const at::Tensor loss = model.loss(model.forward(w.slice(1, 0, -1)), w.slice(1, 1));
    loss.backward();
    const StepStats stats = optimizer->step(loss.item<double>());
    const OptimizerState after = optimizer->discrete_state();
    REQUIRE(!stats.changed_atoms.empty());
    CHECK(stats.changed_atoms == changed_since(after, before));  // step 0: every atom, no earlier form
    std::int64_t changed = 0, atoms = 0;
    for (const auto& [name, n] : stats.changed_atoms) {
      changed += n;
      atoms += after.tensors.at("indices/" + name).numel();
    }
    CHECK(stats.churn == double(changed) / double(atoms));
    before = copy_indices(after);
  }
}
