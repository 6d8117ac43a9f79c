#include "pollux/infer/workers.h"

#include <algorithm>
#include <chrono>

#include "pollux/base/parallel.h"

namespace pollux::infer {
namespace {
// How long a helper spins for the next loop before it sleeps: longer than the gaps between
// the loops of one token (norms, residuals), far shorter than a pause between requests.
constexpr auto kSpin = std::chrono::microseconds(300);
}  // namespace

Workers::Workers(int threads) {
  const int n = threads > 0 ? threads : default_thread_count();
  for (int id = 1; id < n; ++id) helpers_.emplace_back([this, id] { serve(std::size_t(id)); });
}

Workers::~Workers() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : helpers_) t.join();
}

void Workers::part(std::size_t id) {
  const std::size_t begin = id * per_;
  if (begin >= n_) return;
  try {
    (*body_)(begin, std::min(n_, begin + per_));
  } catch (...) {
    std::lock_guard<std::mutex> hold(failure_lock_);
    if (!failure_) failure_ = std::current_exception();
  }
}

void Workers::serve(std::size_t id) {
  std::uint64_t seen = 0;
  for (;;) {
    const auto start = std::chrono::steady_clock::now();
    while (generation_.load(std::memory_order_acquire) == seen && !stop_.load(std::memory_order_relaxed) &&
           std::chrono::steady_clock::now() - start < kSpin)
      std::this_thread::yield();
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> hold(lock_);
      wake_.wait(hold, [&] { return stop_.load() || generation_.load() != seen; });
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    part(id);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void Workers::run(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& body) {
  if (n == 0) return;
  const std::size_t parts = std::min<std::size_t>(std::size_t(threads()), (n + std::max<std::size_t>(grain, 1) - 1) / std::max<std::size_t>(grain, 1));
  if (parts <= 1) {
    body(0, n);
    return;
  }
  body_ = &body;
  n_ = n;
  per_ = (n + parts - 1) / parts;
  failure_ = nullptr;
  pending_.store(helpers_.size(), std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> hold(lock_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  wake_.notify_all();
  part(0);
  while (pending_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
  if (failure_) std::rethrow_exception(failure_);
}

}  // namespace pollux::infer
