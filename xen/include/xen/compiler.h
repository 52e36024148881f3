/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XEN_COMPILER_H
#define XEN_COMPILER_H

#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)
#define __packed        __attribute__((__packed__))
#define __aligned(a)    __attribute__((__aligned__(a)))
#define __section(s)    __attribute__((__section__(s)))
#define __used          __attribute__((__used__))
#define __maybe_unused  __attribute__((__unused__))
#define __noreturn      __attribute__((__noreturn__))
#define __printf(a, b)  __attribute__((__format__(__printf__, a, b)))
#define noinline        __attribute__((__noinline__))
#define __init          __section(".init.text")
#define __initdata      __section(".init.data")

#define barrier()       __asm__ __volatile__ ( "" ::: "memory" )
#define ACCESS_ONCE(x)  (*(volatile __typeof__(x) *)&(x))
#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define min(a, b)       ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
                           _a < _b ? _a : _b; })
#define max(a, b)       ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
                           _a > _b ? _a : _b; })

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define STR_(x) #x
#define STR(x)  STR_(x)

#endif /* XEN_COMPILER_H */
