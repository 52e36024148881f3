/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SXP as untrusted input (xend-config.sxp, xend's replies): a parse either
 * fails with a position or gives a tree that prints and parses back to
 * the same tree; the same bytes as xend-config.sxp never crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keelcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kcfg_error err;
    struct sxp *doc;
    struct kcfg_xend *x = NULL;
    size_t i;

    memset(&err, 0, sizeof(err));
    doc = sxp_parse("fuzz.sxp", (const char *)data, size, &err);
    if ( !doc )
    {
        if ( !err.msg[0] )
            abort();
    }
    else
    {
        for ( i = 0; i < doc->n; i++ )
        {
            char *pretty = sxp_to_string(doc->items[i]);
            char *flat = sxp_to_string_flat(doc->items[i]);
            struct sxp *a, *b;

            if ( !pretty || !flat )
                abort();
            a = sxp_parse_one("p", pretty, strlen(pretty), &err);
            b = sxp_parse_one("f", flat, strlen(flat), &err);
            if ( !a || !b || !sxp_equal(a, doc->items[i]) ||
                 !sxp_equal(b, doc->items[i]) )
                abort();
            sxp_free(a);
            sxp_free(b);
            free(pretty);
            free(flat);
        }
        sxp_free(doc);
    }
    if ( !kcfg_xend_parse_string("xend-config.sxp", (const char *)data, size,
                                 &x, &err) )
        kcfg_xend_free(x);
    return 0;
}
