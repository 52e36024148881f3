# SPDX-License-Identifier: GPL-2.0-or-later
# Event channels (2-level): port states, delivery, masking, the hypercall.
XEN_SRCS := xen/common/event_channel.c
STUBS    := stubs.c ../harness/domains.c ../harness/heap.c
