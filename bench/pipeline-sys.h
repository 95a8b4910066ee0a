/* pipeline-sys.h - system helpers of bench/pipeline: CPU pinning, the TSC
 * frequency, memory in use (RSS and heap), load average, medians.  Called
 * from the benchmark's single thread only. */
#ifndef PB_BENCH_PIPELINE_SYS_H
#define PB_BENCH_PIPELINE_SYS_H

#include <stddef.h>
#include <stdint.h>

/* Pins the calling thread to 'cpu'.  0 or negative errno. */
int sys_pin_cpu(int cpu);
/* TSC ticks per nanosecond, measured against CLOCK_MONOTONIC_RAW over a
 * 200 ms sleep (x86); elsewhere "cpu MHz" of /proc/cpuinfo, else 1.0.
 * cycles/packet = ns/packet * this (reference cycles, not core cycles). */
double sys_tsc_ghz(void);
/* Resident set size in bytes (/proc/self/statm), 0 if unreadable. */
uint64_t sys_rss_bytes(void);
/* Bytes the allocator has handed out (mallinfo2: arena + mmap'd). */
uint64_t sys_heap_bytes(void);
/* The first three fields of /proc/loadavg ("?" if unreadable). */
void sys_loadavg(char *buf, size_t len);
/* Median of 'n' (>= 1) values; sorts 'v' in place. */
double sys_median(double *v, size_t n);

#endif
