// pollux-import's library: the reference trainer's step-8 checkpoint becomes our checkpoint
// holding reference_trajectory.h5's step_7 state (the same run), and anything beyond tensors
// and plain data in a pickle is refused. The two fixture files were written by separate
// reference runs: their tensors differ by up to 1.4e-6 of each tensor's largest magnitude
// (float32 summation order), hence the 5e-6 bound; the import itself copies float32 exactly.
#include <ATen/ATen.h>

#include <fstream>

#include "../catch.h"
#include "../support/fixture_tensors.h"
#include "../support/fixtures.h"
#include "../support/torch_save.h"
#include "pollux/base/error.h"
#include "pollux/io/reference_import.h"
#include "pollux/lattice/codebook.h"
#include "pollux/lattice/row_projection.h"

using namespace pollux;

namespace {

using test::fixture_tensor;
using test::relative_error;

// A zip with one stored entry "x/data.pkl" holding `pickle`.
std::string write_pt(const std::string& path, const std::string& pickle) {
  std::ofstream(path, std::ios::binary) << test::zip_of({{"x/data.pkl", pickle}});
  return path;
}

std::string import_error(const std::string& path) {
  try {
    import_reference_checkpoint(path, 1.0);
  } catch (const Error& e) { return e.what(); }
  return "";
}

}  // namespace

TEST_CASE("import: the reference's step-8 checkpoint equals its trajectory's step_7 state", "[import][fixture]") {
  const std::string dir = test::reference_dir();
  if (dir.empty()) POLLUX_SKIP_NO_FIXTURES("shared/reference not found: skipping the import test");
  const Checkpoint ck = import_reference_checkpoint(dir + "/reference_checkpoint_step8.pt", 1.0);
  test::H5File h5(dir + "/reference_trajectory.h5");
  CHECK(ck.step == 8);
  CHECK(ck.optimizer.step == 8);
  CHECK(ck.tokens_seen == 512);
  CHECK(ck.config.h_floor == 1.0);
  CHECK(ck.codebook == "pollux-v4");
  CHECK(ck.optimizer.heat == Approx(h5.attribute_double("step_7", "macro_heat")).epsilon(1e-6));
  const lattice::Codebook& codebook = lattice::Codebook::get(lattice::CodebookVariant::pollux_v4);
  int lattice_matrices = 0;
  for (const auto& [key, latent] : ck.optimizer.tensors) {
    if (key.rfind("latent/", 0) != 0) continue;
    const std::string name = key.substr(7);
    INFO(name);
    CHECK(relative_error(latent, fixture_tensor(h5, "step_7/latent/" + name)) < 5e-6);
    CHECK(relative_error(ck.optimizer.tensors.at("m/" + name), fixture_tensor(h5, "step_7/m/" + name)) < 5e-6);
    CHECK(relative_error(ck.optimizer.tensors.at("v/" + name), fixture_tensor(h5, "step_7/v/" + name)) < 5e-6);
    at::Tensor weight;
    if (ck.weights.count(name)) {
      weight = ck.weights.at(name);
    } else {  // a lattice matrix: codebook[idx] * sigma * s_lattice
      ++lattice_matrices;
      const at::Tensor idx = ck.optimizer.tensors.at("indices/" + name), sigma = ck.optimizer.tensors.at("sigma/" + name);
      weight = at::empty_like(latent);
      lattice::reconstruct_rows(codebook, reinterpret_cast<const std::uint32_t*>(idx.data_ptr<std::int32_t>()),
                                sigma.data_ptr<float>(), std::size_t(idx.size(0)), std::size_t(latent.numel() / idx.size(0)),
                                weight.data_ptr<float>());
    }
    CHECK(relative_error(weight, fixture_tensor(h5, "step_7/weight/" + name)) < 5e-6);
  }
  CHECK(lattice_matrices == 15);
}

TEST_CASE("import: refuses what is not a reference checkpoint, and any object beyond plain data", "[import]") {
  std::ofstream("import_text.pt") << "just text\n";
  CHECK(import_error("import_text.pt").find("import_text.pt: not a torch.save checkpoint") != std::string::npos);
  // the classic: a pickle that would call os.system
  const std::string evil = write_pt("import_evil.pt",
                                    "\x80\x02"
                                    "cposix\nsystem\n"
                                    "X\x02\x00\x00\x00id\x85R.");
  CHECK(import_error(evil).find("the pickle asks for the global 'posix.system'") != std::string::npos);
  CHECK(import_error(write_pt("import_build.pt",
                              "\x80\x02]K\x01"
                              "b."))
            .find("BUILD") != std::string::npos);
  CHECK(import_error(write_pt("import_short.pt", "\x80\x02}")).find("the pickle ends early") != std::string::npos);
  // plain data that is not the reference's layout
  CHECK(import_error(write_pt("import_dict.pt", std::string("\x80\x02}X\x04\x00\x00\x00stepK\x08s.", 16)))
            .find("config is missing: not a reference trainer checkpoint") != std::string::npos);
  CHECK_THROWS_AS(import_reference_checkpoint("import_text.pt", 0.0), Error);
}
