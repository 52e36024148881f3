# SPDX-License-Identifier: GPL-2.0-or-later
# Grant tables v1: pins, flags, map/unmap into a fake p2m, copy, hypercall.
XEN_SRCS := xen/common/grant_table.c
STUBS    := stubs.c ../harness/domains.c ../harness/heap.c
