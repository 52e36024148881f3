# SPDX-License-Identifier: GPL-2.0-or-later
# The emulated local APIC: registers, priorities, timer, IPIs, x2APIC MSRs.
XEN_SRCS := xen/arch/x86/hvm/vlapic.c xen/arch/x86/hvm/vioapic.c \
            xen/arch/x86/hvm/irq.c xen/arch/x86/hvm/intercept.c
STUBS    := stubs.c
AREA_CFLAGS := -include $(UNIT)/vlapic/host_spinlock.h
