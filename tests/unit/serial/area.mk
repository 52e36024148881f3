# SPDX-License-Identifier: GPL-2.0-or-later
# com1= parsing in the ns16550 driver (the port I/O itself is not run).
XEN_SRCS := xen/drivers/char/ns16550.c xen/common/kernel.c xen/common/lib.c
