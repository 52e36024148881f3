# SPDX-License-Identifier: GPL-2.0-or-later
# dom0_mem= and dom0_max_vcpus=: parsing and the resulting plan.
XEN_SRCS := xen/arch/x86/dom0_mem.c xen/common/kernel.c xen/common/lib.c
