# SPDX-License-Identifier: GPL-2.0-or-later
# memory_op and hvm_op: argument checks, e820 copies, physmap changes and
# page release, balloon counts, batch error arrays, HVM params, upcalls.
XEN_SRCS := xen/common/memory.c xen/arch/x86/hvm/hvmop.c \
            xen/arch/x86/dom0_build.c xen/common/lib.c
STUBS    := stubs.c
