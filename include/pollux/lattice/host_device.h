// POLLUX_HD marks a function that nvcc compiles for the host and the GPU alike, so one text
// runs on both (lattice/certificate.h, kernels/warp_search.h); elsewhere it is plain inline.
#pragma once

#ifdef __CUDACC__
#define POLLUX_HD __host__ __device__ __forceinline__
#else
#define POLLUX_HD inline
#endif
