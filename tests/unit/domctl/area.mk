# SPDX-License-Identifier: GPL-2.0-or-later
# domctl's pure parts (xen/common/domctl.c, included by the test):
# createdomain checks, credit checks, bitmaps, getdomaininfo packing.
XEN_SRCS := xen/common/lib.c
