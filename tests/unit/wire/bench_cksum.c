/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Not a test: the Internet checksum implementations side by side, over
 * LEN bytes starting OFF bytes past a 64-byte boundary, through
 * pn_cksum_add with the implementation chosen by pn_cksum_impl_set.
 *
 *   bench-cksum tsc IMPL LEN [OFF [CALLS [REPS]]]
 *       TSC cycles per call, min and median over REPS runs of CALLS calls
 *       (the calls chained through the running sum, so none overlaps the
 *       next).
 *   bench-cksum count IMPL LEN [OFF]
 *       instructions retired in one call, counted by single-stepping it
 *       under ptrace (exact, and works for AVX-512, which valgrind does
 *       not run).
 *   bench-cksum calls IMPL LEN [OFF [CALLS]]
 *       CALLS calls and nothing else: run it under
 *       valgrind --tool=callgrind --toggle-collect=pn_cksum_add.
 *
 * IMPL is scalar, avx2 or avx512.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

#include "cksum.h"

#define MAX_LEN 65536

static _Alignas(64) uint8_t buf[MAX_LEN + 64];

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
run_calls(const uint8_t *p, uint32_t len, uint32_t calls)
{
	uint32_t sum = 0, i;

	for (i = 0; i < calls; i++)
		sum = pn_cksum_add(sum, p, len);
	return sum;
}

static int
bench_tsc(const uint8_t *p, uint32_t len, uint32_t calls, uint32_t reps)
{
	uint64_t *t = calloc(reps, sizeof(*t));
	volatile uint32_t sink;
	uint32_t r;

	if (!t)
		return 1;
	sink = run_calls(p, len, calls); /* warm the caches and the branches */
	for (r = 0; r < reps; r++) {
		uint64_t t0 = __rdtsc();

		sink = run_calls(p, len, calls);
		t[r] = __rdtsc() - t0;
	}
	(void)sink;
	qsort(t, reps, sizeof(*t), cmp_u64);
	printf("%s len %u off %u: TSC cycles per call min %.1f median %.1f "
	       "(%u reps of %u calls)\n",
	       pn_cksum_impl_name(pn_cksum_impl_get()), len,
	       (unsigned int)(p - buf), (double)t[0] / calls,
	       (double)t[reps / 2] / calls, reps, calls);
	free(t);
	return 0;
}

/* The child stops at an int3 before the call and at one after it; the
 * parent single-steps from the first to the second. */
static int
bench_count(const uint8_t *p, uint32_t len)
{
	struct user_regs_struct regs;
	uint64_t steps = 0;
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("bench-cksum: fork");
		return 1;
	}
	if (pid == 0) {
		volatile uint32_t sink;

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(2);
		raise(SIGSTOP);
		__asm__ volatile("int3" ::: "memory");
		sink = pn_cksum_add(0, p, len);
		__asm__ volatile("int3" ::: "memory");
		(void)sink;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
		goto err;
	if (ptrace(PTRACE_CONT, pid, NULL, NULL) < 0 ||
	    waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGTRAP)
		goto err;
	for (;;) {
		long word;

		if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0)
			goto err;
		errno = 0;
		word = ptrace(PTRACE_PEEKTEXT, pid, (void *)regs.rip, NULL);
		if (errno)
			goto err;
		if ((word & 0xff) == 0xcc)
			break;
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0 ||
		    waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
			goto err;
		steps++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("%s len %u off %u: %llu instructions per call (single-stepped)\n",
	       pn_cksum_impl_name(pn_cksum_impl_get()), len,
	       (unsigned int)(p - buf), (unsigned long long)steps);
	return 0;
err:
	fprintf(stderr, "bench-cksum: single-stepping the call failed: %s\n",
		strerror(errno));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: bench-cksum tsc|count|calls scalar|avx2|avx512 "
			"LEN(1..%u) [OFF(0..63) [CALLS [REPS]]]\n", MAX_LEN);
	return 2;
}

int
main(int argc, char **argv)
{
	uint32_t len, off = 0, calls = 100000, reps = 21, i, x = 1;
	int impl, ret;

	if (argc < 4)
		return usage();
	for (impl = 0; impl < PN_CKSUM_IMPL_MAX; impl++)
		if (!strcmp(argv[2], pn_cksum_impl_name(impl)))
			break;
	if (impl == PN_CKSUM_IMPL_MAX)
		return usage();
	len = (uint32_t)strtoul(argv[3], NULL, 0);
	if (argc > 4)
		off = (uint32_t)strtoul(argv[4], NULL, 0);
	if (argc > 5)
		calls = (uint32_t)strtoul(argv[5], NULL, 0);
	if (argc > 6)
		reps = (uint32_t)strtoul(argv[6], NULL, 0);
	if (len < 1 || len > MAX_LEN || off > 63 || !calls || !reps)
		return usage();
	ret = pn_cksum_impl_set(impl);
	if (ret) {
		fprintf(stderr, "bench-cksum: %s: %s on this CPU\n", argv[2],
			strerror(-ret));
		return 1;
	}
	for (i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	if (!strcmp(argv[1], "tsc"))
		return bench_tsc(buf + off, len, calls, reps);
	if (!strcmp(argv[1], "count"))
		return bench_count(buf + off, len);
	if (!strcmp(argv[1], "calls")) {
		printf("%u\n", run_calls(buf + off, len, calls));
		return 0;
	}
	return usage();
}
