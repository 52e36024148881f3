# SPDX-License-Identifier: GPL-2.0-or-later
# The e820 sanitizer and the loader-map fallback.
XEN_SRCS := xen/arch/x86/e820.c
