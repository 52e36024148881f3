# SPDX-License-Identifier: GPL-2.0-or-later
# The emulated IOAPIC, dom0's GSI routing and the port/MMIO dispatcher.
XEN_SRCS := xen/arch/x86/hvm/vlapic.c xen/arch/x86/hvm/vioapic.c \
            xen/arch/x86/hvm/irq.c xen/arch/x86/hvm/intercept.c
STUBS    := ../vlapic/stubs.c
AREA_CFLAGS := -include $(UNIT)/vlapic/host_spinlock.h -I$(UNIT)/vlapic
