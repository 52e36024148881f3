/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host stand-in for the Kconfig output: the defconfig's values, so that
 * sources under test see the configuration the hypervisor boots with.
 */
#define CONFIG_SERIAL_BAUD 115200
#define CONFIG_SERIAL_IO_BASE 0x3f8
#define CONFIG_CONRING_SHIFT 15
#define CONFIG_NR_CPUS 64
#define CONFIG_DEBUG 1
