/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * register.h - what ksplice.ko exports to update modules (used by the
 * loader stub, update.c).
 */
#ifndef KSPLICE_REGISTER_H
#define KSPLICE_REGISTER_H

struct module;
struct ksplice_header;

int ksplice_register_update(const struct ksplice_header *hdr, struct module *mod);
void ksplice_unregister_update(const struct ksplice_header *hdr, struct module *mod);

#endif /* KSPLICE_REGISTER_H */
