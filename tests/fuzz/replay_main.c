/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Standalone driver for a libFuzzer target, for compilers without
 * libFuzzer (gcc): runs every file of the corpus directories (or single
 * files) given as arguments through LLVMFuzzerTestOneInput, then every
 * prefix of each and a fixed set of seeded byte mutations, so gcc builds
 * also exercise truncated and corrupted frames. LLVMFuzzerInitialize
 * runs first when the target has one. A crash or abort fails the test;
 * so does finding no input at all.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, as with libFuzzer: a target that needs set-up defines it. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define REPLAY_MAX_LEN		(1u << 20)
#define REPLAY_MUTATIONS	512

/* Run @p len bytes from an exact-size heap copy, as libFuzzer does. */
static void
run(const uint8_t *buf, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (p == NULL) {
		perror("malloc");
		exit(1);
	}
	memcpy(p, buf, len);
	LLVMFuzzerTestOneInput(p, len);
	free(p);
}

/* xorshift32: the same mutations on every run. */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
run_variants(const uint8_t *buf, size_t len)
{
	uint8_t *m;
	uint32_t seed = 0x9e3779b9u ^ (uint32_t)len;
	size_t i;
	int k;

	run(buf, len);
	for (i = 0; i < len; i++)
		run(buf, i);
	if (len == 0)
		return;
	m = malloc(len);
	if (m == NULL) {
		perror("malloc");
		exit(1);
	}
	for (k = 0; k < REPLAY_MUTATIONS; k++) {
		int flips = 1 + (int)(next_rand(&seed) % 4), f;

		memcpy(m, buf, len);
		for (f = 0; f < flips; f++)
			m[next_rand(&seed) % len] = (uint8_t)next_rand(&seed);
		run(m, len);
	}
	free(m);
}

static int
replay_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX_LEN];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	run_variants(buf, n);
	return 0;
}

static int
replay_dir(const char *dir, unsigned int *count)
{
	struct dirent *de;
	char path[4096];
	struct stat st;
	DIR *d = opendir(dir);

	if (d == NULL) {
		perror(dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path)) {
			closedir(d);
			return -1;
		}
		(*count)++;
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int count = 0;
	struct stat st;
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count))
				return 1;
		} else {
			if (replay_file(argv[i]))
				return 1;
			count++;
		}
	}
	if (count == 0) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...: no inputs\n",
			argv[0]);
		return 1;
	}
	printf("replayed %u inputs (with prefixes and %u mutations each)\n",
	       count, REPLAY_MUTATIONS);
	return 0;
}
