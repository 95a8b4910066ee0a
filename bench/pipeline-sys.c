/* pipeline-sys.c - system helpers of bench/pipeline (see pipeline-sys.h):
 * affinity, TSC rate, RSS and heap use, load average, medians. */
#include "pipeline-sys.h"

#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define SYS_HAVE_TSC 1
#endif

int sys_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof set, &set) ? -errno : 0;
}

static uint64_t sys_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double sys_cpuinfo_ghz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	double mhz = 0.0;

	if (!f)
		return 1.0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "cpu MHz", 7) && sscanf(strchr(line, ':') + 1, "%lf", &mhz) == 1)
			break;
	fclose(f);
	return mhz > 0.0 ? mhz / 1e3 : 1.0;
}

double sys_tsc_ghz(void)
{
#ifdef SYS_HAVE_TSC
	struct timespec nap = {.tv_sec = 0, .tv_nsec = 200000000};
	uint64_t n0 = sys_raw_ns(), c0 = __rdtsc(), n1, c1;

	nanosleep(&nap, NULL);
	c1 = __rdtsc();
	n1 = sys_raw_ns();
	if (n1 > n0 && c1 > c0)
		return (double)(c1 - c0) / (double)(n1 - n0);
#endif
	return sys_cpuinfo_ghz();
}

uint64_t sys_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, rss = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

uint64_t sys_heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

void sys_loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");
	char a[16], b[16], c[16];

	if (f && fscanf(f, "%15s %15s %15s", a, b, c) == 3)
		snprintf(buf, len, "%s %s %s", a, b, c);
	else
		snprintf(buf, len, "?");
	if (f)
		fclose(f);
}

static int sys_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double sys_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, sys_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}
