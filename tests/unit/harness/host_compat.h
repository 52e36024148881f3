/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Included before every source of a unit test (-include): functions the
 * hypervisor's lib.h promises that the host's libc may lack (glibc has
 * strlcpy/strlcat only from 2.38; Debian 12 ships 2.36).
 */
#ifndef KEEL_HOST_COMPAT_H
#define KEEL_HOST_COMPAT_H
#include <stddef.h>
size_t strlcpy(char *d, const char *s, size_t n);
size_t strlcat(char *d, const char *s, size_t n);
#endif
