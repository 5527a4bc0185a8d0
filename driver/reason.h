/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reason.h: the words for a change: why a function changed, and who calls
 * a clone that appeared or disappeared.
 */
#ifndef KSPLICE_REASON_H
#define KSPLICE_REASON_H

#include <stdbool.h>

#include "diff.h"
#include "sidecar.h"
#include "util.h"

/*
 * Append to sb how the references of pf and qf differ ("now references
 * 'a'; no longer references 'b'"), nothing if they do not. Returns 0 or -1.
 */
int refs_delta(const struct sc_function *pf, const struct sc_function *qf,
	       struct strbuf *sb);

/*
 * Set ch->reason (and ch->callees for an inlined-callee reason) for the
 * matched pair pf -> qf; code_changed says whether their hashes differ.
 */
int function_reason(const struct sc_function *pf,
		    const struct sc_function *qf, bool code_changed,
		    struct change *ch);

/*
 * "new clone of 'foo' (constprop), called from 'bar'", or for a removed
 * clone "clone of 'foo' (isra) no longer emitted; was called from 'bar'",
 * with the callers found in sc. malloc'ed, NULL on error.
 */
char *clone_reason(const struct sidecar *sc, const struct sc_function *f,
		   bool added);

#endif
