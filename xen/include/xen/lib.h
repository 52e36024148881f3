/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's small C library: string and memory routines, number
 * parsing and formatted output.  Built freestanding; the unit tests build
 * the same sources on the host with KEEL_HOST_TEST.
 */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/stdarg.h>

#ifndef KEEL_HOST_TEST
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *h, const char *n);
size_t strlcpy(char *d, const char *s, size_t n);
size_t strlcat(char *d, const char *s, size_t n);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
#else
#include <string.h>
#include <stdio.h>
#endif

/*
 * Parse an unsigned number in base 10, 16 (0x prefix) or 8 (0 prefix) when
 * base is 0.  *end points past the last digit used.  Overflow saturates and
 * sets *end to the start so callers treat it as malformed.
 */
unsigned long long simple_strtoull(const char *s, const char **end,
                                   unsigned int base);

/* "512M", "2G", "1024K", "4096" (bytes, unless a suffix is given). */
unsigned long long parse_size_and_unit(const char *s, const char **end);

#endif /* XEN_LIB_H */
