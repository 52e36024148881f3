# SPDX-License-Identifier: GPL-2.0-or-later
# Scheduler run queues and runstates (xen/common/sched.c, included by the
# test), dom0's memory map and start_info block (dom0_build.c), the
# hypercall table and dispatch (hypercall.c).
XEN_SRCS := xen/arch/x86/dom0_build.c xen/common/hypercall.c \
            xen/common/lib.c
