# SPDX-License-Identifier: GPL-2.0-or-later
# XEN_DOMCTL_keel_load_memory (xen/common/domctl_load.c) on memop's fake
# machine (frames, p2m, page references); dom0's 64 KiB buffer is mapped
# by 4-level page tables in dom0's frames, walked by the real guest_walk.
XEN_SRCS := xen/common/domctl_load.c xen/common/memory.c \
            xen/arch/x86/hvm/hvmop.c xen/arch/x86/dom0_build.c \
            xen/common/lib.c xen/arch/x86/mm/guest_walk.c
STUBS    := ../memop/stubs.c
