# SPDX-License-Identifier: GPL-2.0-or-later
# XEN_DOMCTL_keel_load_memory (xen/common/domctl_load.c) on memop's fake
# machine (frames, p2m, page references, 64 KiB of dom0 memory).
XEN_SRCS := xen/common/domctl_load.c xen/common/memory.c \
            xen/arch/x86/hvm/hvmop.c xen/arch/x86/dom0_build.c \
            xen/common/lib.c
STUBS    := ../memop/stubs.c
