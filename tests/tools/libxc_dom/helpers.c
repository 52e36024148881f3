/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <lzma.h>
#include <zlib.h>
#include "helpers.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

/*
 * Two PT_LOAD segments (the first with bss, a 2 MiB gap between them)
 * and a PT_NOTE with the Xen notes GUEST_OS "linux" and PHYS32_ENTRY
 * (8 bytes, as Linux emits it).  Segment bytes are a counting pattern.
 */
uint8_t *syn_elf(bool pvh_note, size_t *len)
{
    size_t off0 = 0x1000, off1 = off0 + SYN_SEG0, noff = off1 + SYN_SEG1;
    size_t nlen = 2 * 12 + 4 + 8 + 4 + 8, total = noff + nlen, i;
    uint8_t *p = calloc(1, total), *n;
    Elf64_Ehdr *e = (Elf64_Ehdr *)p;
    Elf64_Phdr *ph = (Elf64_Phdr *)(p + sizeof(*e));

    assert_non_null(p);
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS64;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_type = ET_EXEC;
    e->e_machine = EM_X86_64;
    e->e_version = EV_CURRENT;
    e->e_entry = 0xffffffff81000000ull;
    e->e_phoff = sizeof(*e);
    e->e_ehsize = sizeof(*e);
    e->e_phentsize = sizeof(*ph);
    e->e_phnum = 3;
    ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off0,
                          .p_vaddr = 0xffffffff81000000ull,
                          .p_paddr = SYN_PADDR, .p_filesz = SYN_SEG0,
                          .p_memsz = SYN_SEG0 + SYN_BSS0 };
    ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off1,
                          .p_paddr = SYN_SEG1_PADDR, .p_filesz = SYN_SEG1,
                          .p_memsz = SYN_SEG1 };
    ph[2] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = noff,
                          .p_filesz = nlen, .p_memsz = nlen };
    for ( i = off0; i < noff; i++ )
        p[i] = (uint8_t)(i * 7 + 3);
    n = p + noff;
    put32(n, 4); put32(n + 4, 8); put32(n + 8, 6);
    memcpy(n + 12, "Xen", 4);
    memcpy(n + 16, "linux\0\0", 8);
    n += 24;
    put32(n, 4); put32(n + 4, 8); put32(n + 8, pvh_note ? 18 : 0x7f);
    memcpy(n + 12, "Xen", 4);
    put32(n + 16, (uint32_t)SYN_ENTRY);
    put32(n + 20, 0);
    *len = total;
    return p;
}

uint8_t *xz_pack(const uint8_t *in, size_t len, size_t *out_len)
{
    size_t cap = len + len / 2 + 65536, pos = 0;
    uint8_t *out = malloc(cap);

    assert_non_null(out);
    assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in,
                                             len, out, &pos, cap), LZMA_OK);
    *out_len = pos;
    return out;
}

uint8_t *gz_pack(const uint8_t *in, size_t len, int level, size_t *out_len)
{
    z_stream s;
    size_t cap = len + len / 2 + 65536;
    uint8_t *out = malloc(cap);

    assert_non_null(out);
    memset(&s, 0, sizeof(s));
    assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    s.next_in = (Bytef *)in;
    s.avail_in = len;
    s.next_out = out;
    s.avail_out = cap;
    assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
    *out_len = s.total_out;
    deflateEnd(&s);
    return out;
}

uint8_t *bz_wrap(const uint8_t *proto, size_t proto_len,
                 const uint8_t *payload, size_t plen, uint32_t unpacked,
                 size_t *len)
{
    size_t pre, setup, off;
    uint8_t *p;

    if ( proto )
    {
        setup = ((size_t)(proto[0x1f1] ? proto[0x1f1] : 4) + 1) * 512;
        off = proto[0x248] | (proto[0x249] << 8) | (proto[0x24a] << 16) |
              ((size_t)proto[0x24b] << 24);
        pre = setup + off;
        assert_true(pre <= proto_len);
    }
    else
    {
        setup = 2 * 512;
        off = 0x100;
        pre = setup + off;
    }
    p = calloc(1, pre + plen + 4);
    assert_non_null(p);
    if ( proto )
        memcpy(p, proto, pre);
    else
    {
        p[0x1f1] = 1;
        memcpy(p + 0x202, "HdrS", 4);
        p[0x206] = 0x0f;
        p[0x207] = 0x02;
        put32(p + 0x248, off);
    }
    put32(p + 0x24c, plen + 4);
    memcpy(p + pre, payload, plen);
    put32(p + pre + plen, unpacked);
    *len = pre + plen + 4;
    return p;
}

uint8_t *debian_vmlinuz(size_t *len, char *path, size_t pathlen)
{
    const char *cache = getenv("KEEL_CACHE"), *home = getenv("HOME");
    struct stat st;
    uint8_t *p;
    FILE *f;

    if ( cache )
        snprintf(path, pathlen, "%s/vmlinuz", cache);
    else
        snprintf(path, pathlen, "%s/.cache/keel/vmlinuz",
                 home ? home : "");
    f = fopen(path, "rb");
    if ( !f )
    {
        print_message("SKIP: no Debian kernel at %s (make deps fetches "
                      "it)\n", path);
        return NULL;
    }
    assert_int_equal(fstat(fileno(f), &st), 0);
    p = malloc(st.st_size);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, st.st_size, f), (size_t)st.st_size);
    fclose(f);
    *len = st.st_size;
    return p;
}

char *scratch_dir(void)
{
    char *d = strdup("/tmp/keel-libxc-dom.XXXXXX");

    assert_non_null(d);
    assert_non_null(mkdtemp(d));
    return d;
}

void rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[4096];

    if ( !d )
        return;
    while ( (de = readdir(d)) )
    {
        if ( !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") )
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        if ( unlink(p) )
            rm_rf(p);
    }
    closedir(d);
    rmdir(dir);
}

void write_file(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

unsigned int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned int n = 0;

    if ( !d )
        return 0;
    while ( (de = readdir(d)) )
        if ( strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
             !strncmp(de->d_name, prefix, strlen(prefix)) )
            n++;
    closedir(d);
    return n;
}
