# SPDX-License-Identifier: GPL-2.0-or-later
# Scheduler run queues, runstates and vCPU moves between pCPUs
# (xen/common/sched.c, included by test_sched.c), timers' per-CPU lists
# and migrate_timer (xen/common/timer.c, included by test_timer.c), dom0's
# memory map and start_info block (dom0_build.c), the
# hypercall table and dispatch (hypercall.c).
XEN_SRCS := xen/arch/x86/dom0_build.c xen/common/hypercall.c \
            xen/common/lib.c
# The two files the tests #include: rebuild when they change.
$(BUILD)/test_sched: $(ROOT)/xen/common/sched.c $(ROOT)/xen/common/timer.c
