// Helper threads that stay alive between the parallel loops of the matrix-free runtime. A
// decoded token runs about 130 of them (every matrix product, attention), each a few hundred
// microseconds or less: starting and joining threads for each (pollux::parallel_for) would
// cost a large part of that. The helpers spin briefly after a loop, then sleep; the items
// are handed out in chunks from a shared counter, so a helper the system has not scheduled
// (a loaded machine) does not hold a loop up.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pollux::infer {

class Workers {
 public:
  explicit Workers(int threads);  // threads <= 0: one per core; the caller is one of them
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  int threads() const { return int(helpers_.size()) + 1; }
  // body(begin, end) over [0, n) in contiguous chunks of at least `grain` items, on the
  // calling thread and the helpers; rethrows a chunk's exception. One run at a time (a
  // model's forward pass is not reentrant).
  void run(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& body);

 private:
  static constexpr std::size_t kDone = std::size_t(1) << 62;  // next_ (chunks) once a loop is handed out
  void serve();
  void work();  // takes chunks of the current loop until none is left
  std::vector<std::thread> helpers_;
  std::mutex lock_;
  std::condition_variable wake_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::size_t> next_{kDone}, busy_{0};
  std::atomic<bool> stop_{false};
  const std::function<void(std::size_t, std::size_t)>* body_ = nullptr;
  std::size_t n_ = 0, chunk_ = 1;
  std::mutex failure_lock_;
  std::exception_ptr failure_;
};

}  // namespace pollux::infer
