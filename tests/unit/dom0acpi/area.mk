# SPDX-License-Identifier: GPL-2.0-or-later
# dom0's ACPI block (xen/arch/x86/dom0_acpi.c): RSDP, XSDT, MADT rewritten
# to dom0's vCPUs, FADT copy; and the memory map carve-out for it.
XEN_SRCS := xen/arch/x86/dom0_acpi.c xen/arch/x86/acpi/boot.c \
            xen/arch/x86/acpi/aml.c xen/arch/x86/dom0_build.c xen/common/lib.c
STUBS    := ../acpi/stubs.c
AREA_CFLAGS := -I$(UNIT)/acpi
