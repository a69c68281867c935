/* SPDX-License-Identifier: BSD-3-Clause */
/* The JSON writer of the summaries (jw.h). */
#include <inttypes.h>
#include <stdio.h>

#include "jw.h"

void
jw_key(struct jw *j, const char *key)
{
	if (j->more[j->depth])
		fputc(',', j->f);
	j->more[j->depth] = true;
	fprintf(j->f, "\n%*s", 2 * j->depth, "");
	if (key != NULL)
		fprintf(j->f, "\"%s\": ", key); /* keys are ours: no escaping */
}

void
jw_open(struct jw *j, const char *key, char c)
{
	jw_key(j, key);
	fputc(c, j->f);
	j->more[++j->depth] = false;
}

void
jw_close(struct jw *j, char c)
{
	j->depth--;
	fprintf(j->f, "\n%*s%c", 2 * j->depth, "", c);
}

void
jw_u64(struct jw *j, const char *key, uint64_t v)
{
	jw_key(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void
jw_dbl(struct jw *j, const char *key, double v)
{
	jw_key(j, key);
	fprintf(j->f, "%.3f", v);
}

void
jw_str(struct jw *j, const char *key, const char *s)
{
	jw_key(j, key);
	fputc('"', j->f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(j->f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(j->f, "\\u%04x", *s);
		else
			fputc(*s, j->f);
	}
	fputc('"', j->f);
}
