# SPDX-License-Identifier: GPL-2.0-or-later
# The command-line parser: cooking (image name or not) and the parameter table.
XEN_SRCS := xen/common/kernel.c xen/common/lib.c
