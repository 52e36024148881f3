# SPDX-License-Identifier: GPL-2.0-only
#
# Turn "nm -n --defined-only xen-syms" output into the assembly of the
# hypervisor's symbol table (see common/symbols.c): the sorted addresses of
# all text symbols, the offset of each name, and the names.
BEGIN { n = 0; }
{
    if ( $2 != "t" && $2 != "T" && $2 != "W" && $2 != "w" )
        next;
    name = $3;
    if ( name ~ /^\.L/ || name ~ /^__kparam_/ )
        next;
    addr[n] = $1;
    sym[n] = name;
    n++;
}
END {
    print "\t.section .rodata.symbols, \"a\"";
    print "\t.balign 8";
    print "\t.globl symbols_num";
    print "symbols_num:\n\t.quad " n + 0;
    print "\t.globl symbols_addrs";
    print "symbols_addrs:";
    for ( i = 0; i < n; i++ )
        print "\t.quad 0x" addr[i];
    print "\t.globl symbols_name_offs";
    print "symbols_name_offs:";
    off = 0;
    for ( i = 0; i < n; i++ )
    {
        print "\t.long " off;
        off += length(sym[i]) + 1;
    }
    print "\t.globl symbols_names";
    print "symbols_names:";
    for ( i = 0; i < n; i++ )
        print "\t.asciz \"" sym[i] "\"";
    print "\t.byte 0";
}
