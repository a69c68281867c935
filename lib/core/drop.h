/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_DROP_H
#define PN_CORE_DROP_H

#include <stddef.h>

enum pn_drop_reason {
#define PN_DROP(name, desc) PN_DROP_##name,
#include "drop_reasons_def.h" /* drop_reasons.def (lib/core/meson.build) */
#undef PN_DROP
	PN_DROP__MAX
};

/** Name of a drop reason as in the .def ("BACKLOG_FULL"), "?" if out of range. */
const char *pn_drop_name(enum pn_drop_reason r);

/** One-line description of a drop reason. */
const char *pn_drop_desc(enum pn_drop_reason r);

#endif /* PN_CORE_DROP_H */
