/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The console client's escape handling (Ctrl-] detaches, as in Xen). */
#ifndef CONSOLE_ESCAPE_H
#define CONSOLE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#define CONS_ESCAPE_DEFAULT 0x1d        /* Ctrl-] */

/*
 * Of the n bytes the user typed, how many go to the guest: all of them,
 * or those before the escape character, with *detach set.
 */
size_t cons_escape_scan(const char *in, size_t n, int escape, bool *detach);

/* "^]" style or a single character to an escape byte; -1 if invalid. */
int cons_escape_parse(const char *s);

#endif
