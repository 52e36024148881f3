/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernels, compressors and scratch directories for the builder tests. */
#ifndef LIBXC_DOM_HELPERS_H
#define LIBXC_DOM_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A synthetic ELF64 "kernel" (see helpers.c for its shape). */
#define SYN_PADDR   0x1000000ull
#define SYN_ENTRY   (SYN_PADDR + 0x40)
#define SYN_SEG0    0x23000ull          /* filesz of segment 0 */
#define SYN_BSS0    0x5000ull           /* memsz - filesz */
#define SYN_SEG1_PADDR (SYN_PADDR + 0x200000)
#define SYN_SEG1    0x1800ull
uint8_t *syn_elf(bool pvh_note, size_t *len);

uint8_t *xz_pack(const uint8_t *in, size_t len, size_t *out_len);
uint8_t *gz_pack(const uint8_t *in, size_t len, int level, size_t *out_len);

/*
 * A bzImage around payload: setup/prefix bytes from proto (or a minimal
 * setup header when proto is NULL), then payload, then le32(unpacked).
 */
uint8_t *bz_wrap(const uint8_t *proto, size_t proto_len,
                 const uint8_t *payload, size_t plen, uint32_t unpacked,
                 size_t *len);

/* Debian's vmlinuz from the rig cache, or NULL (the test skips). */
uint8_t *debian_vmlinuz(size_t *len, char *path, size_t pathlen);

char *scratch_dir(void);                  /* mkdtemp; free() */
void rm_rf(const char *dir);
void write_file(const char *path, const void *p, size_t len);
unsigned int count_files(const char *dir, const char *prefix);

#endif
