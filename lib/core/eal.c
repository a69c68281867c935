/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "eal.h"

static char runtime_dir[PATH_MAX];

/* The directory is flat: remove its files, then it. */
static void
runtime_dir_remove(void)
{
	struct dirent *e;
	DIR *dir;

	if (runtime_dir[0] == '\0' || (dir = opendir(runtime_dir)) == NULL)
		return;
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
	rmdir(runtime_dir);
}

void
pn_eal_remove_runtime_dir_at_exit(void)
{
	if (runtime_dir[0] != '\0')
		return;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		 rte_eal_get_runtime_dir());
	atexit(runtime_dir_remove);
}
