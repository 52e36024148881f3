/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vm.cfg tokenizer, shared by the evaluator (private). */
#ifndef KEELCFG_VMCFG_H
#define KEELCFG_VMCFG_H

#include "internal.h"

enum tok {
    T_EOF,
    T_NEWLINE,
    T_INDENT,
    T_DEDENT,
    T_NAME,
    T_INT,
    T_STR,
    T_OP,
};

struct token {
    enum tok t;
    int line, col;
    const char *start;  /* in the source */
    size_t len;         /* of the source text */
    long long ival;     /* T_INT */
    char *sval;         /* T_STR, in the arena */
    size_t slen;
    char op[4];         /* T_OP */
    int text_col;       /* T_STR: column of its bytes verbatim, or 0 */
};

bool vmcfg_tokenize(const char *file, const char *src, size_t len,
                    struct arena *arena, struct token **out, size_t *count,
                    struct kcfg_error *err);

#endif
