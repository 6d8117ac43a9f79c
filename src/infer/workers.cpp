#include "pollux/infer/workers.h"

#include <algorithm>
#include <chrono>

#include "pollux/base/parallel.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace pollux::infer {
namespace {

// How long a waiting thread spins before it sleeps (a helper) or yields (the caller): longer
// than the gaps between the loops of one token (norms, residuals), short enough not to take
// a loaded machine's cores from others (measured at load 4, 1152 decode: 200 us spins gave
// 47 tokens/s on two threads, 20 us 60).
constexpr auto kSpin = std::chrono::microseconds(20);

// A pause while spinning. Not sched_yield at once: under load that hands the core to another
// process for a time slice, milliseconds, where the wait is microseconds.
inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace

Workers::Workers(int threads) {
  const int n = threads > 0 ? threads : default_thread_count();
  for (int id = 1; id < n; ++id) helpers_.emplace_back([this] { serve(); });
}

Workers::~Workers() {
  {
    std::lock_guard<std::mutex> hold(lock_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : helpers_) t.join();
}

void Workers::work() {
  for (;;) {
    // next_ counts chunks. A fetch_add that returns less than kDone has seen run()'s release
    // store of 0, so body_, n_ and chunk_ read after it are those of the current loop.
    const std::size_t i = next_.fetch_add(1, std::memory_order_acq_rel);
    if (i >= kDone) return;
    const std::size_t begin = i * chunk_;
    if (begin >= n_) return;
    try {
      (*body_)(begin, std::min(n_, begin + chunk_));
    } catch (...) {
      std::lock_guard<std::mutex> hold(failure_lock_);
      if (!failure_) failure_ = std::current_exception();
    }
  }
}

void Workers::serve() {
  std::uint64_t seen = 0;
  for (;;) {
    const auto start = std::chrono::steady_clock::now();
    while (generation_.load(std::memory_order_acquire) == seen && !stop_.load(std::memory_order_relaxed) &&
           std::chrono::steady_clock::now() - start < kSpin)
      relax();
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> hold(lock_);
      wake_.wait(hold, [&] { return stop_.load() || generation_.load() != seen; });
    }
    if (stop_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    // Counted before touching the loop: run() returns only when no helper is inside it. A
    // helper that comes late finds next_ at kDone and leaves at once, or joins the next loop.
    busy_.fetch_add(1, std::memory_order_acq_rel);
    work();
    busy_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void Workers::run(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  if (helpers_.empty() || n <= grain) {
    body(0, n);
    return;
  }
  // Chunks taken from a shared counter, about four per thread: a helper that the system has
  // not scheduled yet leaves its share to the others instead of holding the loop up.
  const std::size_t chunk = std::max(grain, (n + 4 * std::size_t(threads()) - 1) / (4 * std::size_t(threads())));
  body_ = &body;
  n_ = n;
  failure_ = nullptr;
  chunk_ = chunk;
  next_.store(0, std::memory_order_release);
  {
    std::lock_guard<std::mutex> hold(lock_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  wake_.notify_all();
  work();
  next_.store(kDone, std::memory_order_release);
  const auto start = std::chrono::steady_clock::now();
  while (busy_.load(std::memory_order_acquire) != 0) {
    if (std::chrono::steady_clock::now() - start < kSpin)
      relax();
    else
      std::this_thread::yield();
  }
  if (failure_) std::rethrow_exception(failure_);
}

}  // namespace pollux::infer
