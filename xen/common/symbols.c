/* SPDX-License-Identifier: GPL-2.0-only */
/* Address-to-name lookup over the table that tools/symbols.awk generates. */
#include <xen/lib.h>
#include <xen/symbols.h>

extern const unsigned long symbols_num;
extern const unsigned long symbols_addrs[];
extern const unsigned int symbols_name_offs[];
extern const char symbols_names[];
extern const char _stext[], _etext[];

const char *symbols_lookup(unsigned long addr, unsigned long *start,
                           unsigned long *size)
{
    unsigned long lo = 0, hi = symbols_num, i;

    if ( addr < (unsigned long)_stext || addr >= (unsigned long)_etext ||
         !symbols_num )
        return NULL;

    /* Last symbol whose address is <= addr. */
    while ( hi - lo > 1 )
    {
        unsigned long mid = lo + (hi - lo) / 2;

        if ( symbols_addrs[mid] <= addr )
            lo = mid;
        else
            hi = mid;
    }
    if ( symbols_addrs[lo] > addr )
        return NULL;

    /* Aliases share an address: report the first, size to the next one. */
    i = lo;
    while ( i > 0 && symbols_addrs[i - 1] == symbols_addrs[lo] )
        i--;
    for ( hi = lo + 1; hi < symbols_num &&
                       symbols_addrs[hi] == symbols_addrs[lo]; hi++ )
        ;
    if ( start )
        *start = symbols_addrs[lo];
    if ( size )
        *size = (hi < symbols_num ? symbols_addrs[hi]
                                  : (unsigned long)_etext) - symbols_addrs[lo];
    return symbols_names + symbols_name_offs[i];
}

void symbols_snprint(char *buf, size_t len, unsigned long addr,
                     bool with_offset)
{
    unsigned long start, size;
    const char *name = symbols_lookup(addr, &start, &size);

    if ( !name )
        snprintf(buf, len, "%#lx", addr);
    else if ( with_offset )
        snprintf(buf, len, "%s+%#lx/%#lx", name, addr - start, size);
    else
        snprintf(buf, len, "%s", name);
}
