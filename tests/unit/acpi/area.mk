# SPDX-License-Identifier: GPL-2.0-or-later
# ACPI: the \_S5 AML decoder and the RSDP/XSDT/MADT/FADT/HPET walk.
XEN_SRCS := xen/arch/x86/acpi/aml.c xen/arch/x86/acpi/boot.c
STUBS    := stubs.c
