/* SPDX-License-Identifier: GPL-2.0-only */
/* Number parsing shared by the command line, ACPI and the module probes. */
#include <xen/lib.h>

static int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'z' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'Z' )
        return c - 'A' + 10;
    return 99;
}

unsigned long long simple_strtoull(const char *s, const char **end,
                                   unsigned int base)
{
    const char *start = s;
    unsigned long long v = 0;
    bool overflow = false, any = false;
    int d;

    if ( base == 0 )
    {
        base = 10;
        if ( s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
             digit_value(s[2]) < 16 )
        {
            base = 16;
            s += 2;
        }
        else if ( s[0] == '0' && digit_value(s[1]) < 8 )
        {
            base = 8;
            s++;
        }
    }
    else if ( base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
              digit_value(s[2]) < 16 )
        s += 2;

    while ( (d = digit_value(*s)) < (int)base )
    {
        if ( v > (~0ULL - (unsigned)d) / base )
            overflow = true;
        v = v * base + d;
        any = true;
        s++;
    }

    if ( end )
        *end = (overflow || !any) ? start : s;
    return overflow ? ~0ULL : (any ? v : 0);
}

unsigned long long parse_size_and_unit(const char *s, const char **end)
{
    const char *e;
    unsigned long long v = simple_strtoull(s, &e, 0);
    unsigned int shift = 0;

    if ( e == s )
    {
        if ( end )
            *end = s;
        return 0;
    }

    switch ( *e )
    {
    case 'T': case 't': shift = 40; e++; break;
    case 'G': case 'g': shift = 30; e++; break;
    case 'M': case 'm': shift = 20; e++; break;
    case 'K': case 'k': shift = 10; e++; break;
    case 'B': case 'b': e++; break;
    }

    if ( shift && v > (~0ULL >> shift) )
    {
        if ( end )
            *end = s;
        return ~0ULL;
    }
    if ( end )
        *end = e;
    return v << shift;
}
