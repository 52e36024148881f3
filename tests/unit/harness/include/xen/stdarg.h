/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host stand-in for xen/stdarg.h: libc's <stdarg.h> (which cmocka also
 * includes) defines the same names, and two definitions would clash.
 */
#ifndef XEN_STDARG_H
#define XEN_STDARG_H
#include <stdarg.h>
#endif
