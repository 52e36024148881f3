# SPDX-License-Identifier: GPL-2.0-or-later
# Guest time arithmetic (xen/arch/x86/guest_time.c, pure part): pvclock
# mul/shift from the TSC frequency, the guest's conversion, RTC dates.
XEN_SRCS := xen/arch/x86/guest_time.c
