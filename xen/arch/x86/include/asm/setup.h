/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <xen/types.h>
#include <xen/compiler.h>

/* Called from head.S in long mode with the loader's magic and info. */
void __noreturn __start_xen(u32 magic, u32 info);

extern u32 boot_magic, boot_info_pa;

#endif
