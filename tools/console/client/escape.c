/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "escape.h"

size_t cons_escape_scan(const char *in, size_t n, int escape, bool *detach)
{
    const char *e = memchr(in, escape, n);

    *detach = e != NULL;
    return e ? (size_t)(e - in) : n;
}

int cons_escape_parse(const char *s)
{
    if ( s[0] == '^' && s[1] && !s[2] )
    {
        /* ^@ .. ^_ are 0x00 .. 0x1f; ^? is DEL. */
        if ( s[1] == '?' )
            return 0x7f;
        if ( (s[1] >= '@' && s[1] <= '_') || (s[1] >= 'a' && s[1] <= 'z') )
            return (s[1] & 0x1f);
        return -1;
    }
    if ( s[0] && !s[1] )
        return (unsigned char)s[0];
    return -1;
}
