/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-width types for the freestanding hypervisor.  Host-compiled unit
 * tests include the same headers, so nothing here may clash with libc.
 */
#ifndef XEN_TYPES_H
#define XEN_TYPES_H

#if defined(KEEL_HOST_TEST) || defined(KEEL_TOOLS)
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#else
typedef unsigned char      uint8_t;
typedef unsigned short     uint16_t;
typedef unsigned int       uint32_t;
typedef unsigned long      uint64_t;
typedef signed char        int8_t;
typedef signed short       int16_t;
typedef signed int         int32_t;
typedef signed long        int64_t;
typedef unsigned long      uintptr_t;
typedef long               intptr_t;
typedef unsigned long      size_t;
typedef long               ssize_t;
typedef _Bool              bool;
#define true  1
#define false 0
#define NULL  ((void *)0)
#define offsetof(t, m) __builtin_offsetof(t, m)
#endif

typedef uint8_t  u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t   s8;
typedef int16_t  s16;
typedef int32_t  s32;
typedef int64_t  s64;

typedef uint64_t paddr_t;
typedef unsigned long mfn_t;

#endif /* XEN_TYPES_H */
