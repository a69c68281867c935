/* SPDX-License-Identifier: BSD-3-Clause */
#include <pollnet/pollnet.h>

#define PN_STR_(x) #x
#define PN_STR(x) PN_STR_(x)

const char *
pn_version(void)
{
	return PN_STR(PN_VERSION_MAJOR) "." PN_STR(PN_VERSION_MINOR) "."
	       PN_STR(PN_VERSION_PATCH);
}
