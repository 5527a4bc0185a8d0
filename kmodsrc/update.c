// SPDX-License-Identifier: GPL-2.0-only
/*
 * update.c - the loader stub linked into every update module.
 *
 * It registers the module's tables (the ksplice_update_header symbol,
 * written by the linker step) with ksplice.ko at load time, and
 * unregisters them at unload. Applying is a separate step, driven through
 * /sys/kernel/ksplice/<id>/stage. While the update is applied the core
 * holds a reference on this module, so it cannot be unloaded.
 */
#include <linux/module.h>
#include "ksplice-abi.h"
#include "register.h"

extern const struct ksplice_header ksplice_update_header;

static int __init ksplice_update_init(void)
{
	return ksplice_register_update(&ksplice_update_header, THIS_MODULE);
}

static void __exit ksplice_update_exit(void)
{
	ksplice_unregister_update(&ksplice_update_header, THIS_MODULE);
}

module_init(ksplice_update_init);
module_exit(ksplice_update_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksplice update");
