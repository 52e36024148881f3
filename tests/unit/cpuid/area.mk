# SPDX-License-Identifier: GPL-2.0-or-later
# The guest CPUID policy (pure filter over host leaves) and the hypercall
# page layout.
XEN_SRCS := xen/arch/x86/cpuid.c xen/arch/x86/hvm/hypercall_page.c
