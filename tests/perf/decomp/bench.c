/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host driver for the hypervisor's decoders: decompresses one file with
 * xen/common/decompress (built with the hypervisor's code-generation flags
 * and its own memcpy/memset, see Makefile) and prints the output size and
 * CRC-32.  Run under valgrind to count the instructions the decoder
 * executes, which under QEMU's -icount shift=0 is the virtual time it costs
 * (1 ns per guest instruction).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <stddef.h>

/* The decoder's interface (xen/include/xen/decompress.h), by hand: this
 * file is compiled against the host's libc, not the hypervisor's headers. */
int decompress_size(const void *in, size_t in_len, uint64_t *size,
                    const char **err);
int decompress(const void *in, size_t in_len, void *out, size_t out_size,
               size_t *out_len, const char **err);
uint32_t decomp_crc32(uint32_t crc, const void *buf, size_t len);
void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);

void *xmalloc_bytes(size_t size)
{
    return malloc(size);
}

void *xzalloc_bytes(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

/* vsprintf.c's %pS: never used by the decoders. */
void symbols_snprint(char *buf, size_t len, unsigned long addr,
                     _Bool with_offset);
void symbols_snprint(char *buf, size_t len, unsigned long addr,
                     _Bool with_offset)
{
    (void)with_offset;
    snprintf(buf, len, "%#lx", addr);
}

int main(int argc, char **argv)
{
    FILE *f;
    long len;
    unsigned char *in, *out;
    uint64_t hint = 0;
    size_t out_len = 0, room;
    const char *err = NULL;
    int rc;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: %s FILE.{gz,xz}\n", argv[0]);
        return 2;
    }
    f = fopen(argv[1], "rb");
    if ( !f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 )
    {
        perror(argv[1]);
        return 2;
    }
    rewind(f);
    in = malloc(len ? len : 1);
    if ( !in || fread(in, 1, len, f) != (size_t)len )
    {
        perror(argv[1]);
        return 2;
    }
    fclose(f);
    rc = decompress_size(in, len, &hint, &err);
    if ( rc )
    {
        fprintf(stderr, "size: %d %s\n", rc, err ? err : "");
        return 1;
    }
    /* As kernel_image.c does: a page of slack past the recorded size. */
    room = (hint + 2 * 4096 - 1) & ~(size_t)4095;
    out = malloc(room);
    if ( !out )
        return 2;
    rc = decompress(in, len, out, room, &out_len, &err);
    if ( rc )
    {
        fprintf(stderr, "decompress: %d %s\n", rc, err ? err : "");
        return 1;
    }
    printf("in %ld out %zu crc32 %08x\n", len, out_len,
           decomp_crc32(0, out, out_len));
    return 0;
}
