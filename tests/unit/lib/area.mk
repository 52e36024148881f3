# SPDX-License-Identifier: GPL-2.0-or-later
# Number and size parsing shared by the command line, ACPI and the probes.
XEN_SRCS := xen/common/lib.c
