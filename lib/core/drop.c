/* SPDX-License-Identifier: BSD-3-Clause */
#include "drop.h"

static const char *const drop_names[PN_DROP__MAX] = {
#define PN_DROP(name, desc) [PN_DROP_##name] = #name,
#include "drop_reasons_def.h"
#undef PN_DROP
};

static const char *const drop_descs[PN_DROP__MAX] = {
#define PN_DROP(name, desc) [PN_DROP_##name] = desc,
#include "drop_reasons_def.h"
#undef PN_DROP
};

const char *
pn_drop_name(enum pn_drop_reason r)
{
	if ((unsigned int)r >= PN_DROP__MAX)
		return "?";
	return drop_names[r];
}

const char *
pn_drop_desc(enum pn_drop_reason r)
{
	if ((unsigned int)r >= PN_DROP__MAX)
		return "?";
	return drop_descs[r];
}
