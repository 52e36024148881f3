/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private helpers shared by the files of libkeelcfg. */
#ifndef KEELCFG_INTERNAL_H
#define KEELCFG_INTERNAL_H

#include <stdarg.h>
#include "keelcfg.h"

/* Everything one result owns comes from one arena, freed in one go. */
#define ARENA_MAX   (64u << 20)  /* total bytes: bounds hostile inputs */

struct arena_chunk;
struct arena {
    struct arena_chunk *chunks;
    size_t total;
    bool exhausted;
};

void *arena_alloc(struct arena *a, size_t size);     /* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_release(struct arena *a);

void err_set(struct kcfg_error *err, const char *file, int line, int col,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void err_vset(struct kcfg_error *err, const char *file, int line, int col,
              const char *fmt, va_list ap);

/* Reads a whole file (at most KCFG_MAX_INPUT bytes), NUL-terminated. */
char *read_whole_file(const char *path, size_t *len, struct kcfg_error *err);

/* An evaluated vm.cfg. */
#define KCFG_MAX_VARS 1024

struct kcfg_var {
    const char *name;
    struct kcfg_value value;
    bool locked;        /* set by an override: the file cannot change it */
    bool is_option;
};

struct kcfg {
    struct arena arena;
    const char *file;
    struct kcfg_var *vars;
    size_t n_vars;
    bool imported_os, imported_re;
};

/* The host's machine string (uname(2)), as os.uname()[4]; tests pin it. */
extern const char *kcfg_machine_override;

#endif
