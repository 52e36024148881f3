# SPDX-License-Identifier: GPL-2.0-or-later
# The p2m walker in both formats, and the dom0 identity maps on top of the
# buddy allocator's claim functions.
XEN_SRCS := xen/arch/x86/mm/p2m.c xen/arch/x86/mm/p2m-pt.c \
            xen/arch/x86/mm/p2m-ept.c xen/common/page_alloc.c
