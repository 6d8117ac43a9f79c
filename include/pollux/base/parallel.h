// A minimal parallel loop over [0, n) in contiguous chunks, one std::thread per chunk.
// Used for work that is embarrassingly parallel and much larger than a thread start.
#pragma once

#include <cstddef>
#include <functional>

namespace pollux {

// Number of threads to use when the caller asks for 0 ("all cores").
int default_thread_count();

// Calls body(begin, end) on disjoint ranges covering [0, n) from up to `threads` threads
// (0 = default_thread_count()). Ranges are at least `grain` long. The first exception
// thrown by a body is rethrown in the caller after all threads have joined.
void parallel_for(std::size_t n, int threads, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& body);

}  // namespace pollux
