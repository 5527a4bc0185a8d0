/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gcc-common.h: every GCC header the ksplice plugin uses, and every
 * GCC-version #if, in one place. The pass files include only this and
 * ksplice.h, and contain no #if of their own.
 *
 * Supported: GCC 12 (Debian 12). Another major version is refused here at
 * build time (the Makefile checks first, with a friendlier message) and by
 * plugin_default_version_check() at load time.
 */
#ifndef KSPLICE_GCC_COMMON_H
#define KSPLICE_GCC_COMMON_H

#include "gcc-plugin.h"
#include "plugin-version.h"
#include "version.h"

#if GCCPLUGIN_VERSION_MAJOR != 12
#error "ksplice.so supports GCC 12 only"
#endif

#include "config.h"
#include "system.h"
#include "coretypes.h"
#include "backend.h"
#include "target.h"
#include "tree.h"
#include "rtl.h"
#include "gimple.h"
#include "tree-pass.h"
#include "context.h"
#include "cgraph.h"
#include "varasm.h"
#include "stor-layout.h"
#include "output.h"
#include "memmodel.h"
#include "emit-rtl.h"
#include "function.h"
#include "basic-block.h"
#include "gimple-iterator.h"
#include "diagnostic-core.h"
#include "diagnostic.h"
#include "toplev.h"
#include "opts.h"
#include "options.h"
#include "flags.h"
#include "langhooks.h"
#include "real.h"
#include "fixed-value.h"
#include "print-tree.h"
#include "stringpool.h"
#include "attribs.h"

#endif
