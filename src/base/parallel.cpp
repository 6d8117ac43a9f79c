#include "pollux/base/parallel.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pollux {

int default_thread_count() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : int(n);
}

void parallel_for(std::size_t n, int threads, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& body) {
  if (n == 0) return;
  if (threads <= 0) threads = default_thread_count();
  grain = std::max<std::size_t>(grain, 1);
  std::size_t chunks = std::min<std::size_t>(std::size_t(threads), (n + grain - 1) / grain);
  if (chunks <= 1) {
    body(0, n);
    return;
  }
  std::exception_ptr failure;
  std::mutex failure_lock;
  std::vector<std::thread> pool;
  std::size_t per = (n + chunks - 1) / chunks;
  for (std::size_t begin = 0; begin < n; begin += per) {
    std::size_t end = std::min(n, begin + per);
    pool.emplace_back([&, begin, end] {
      try {
        body(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> hold(failure_lock);
        if (!failure) failure = std::current_exception();
      }
    });
  }
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace pollux
