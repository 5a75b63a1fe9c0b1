/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: words separated by spaces, "key=value" words carrying values. A
 * multiboot v1 loader may put the kernel's path first; it is just one more word.
 */
#ifndef GUEST_LIB_CMDLINE_H
#define GUEST_LIB_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMDLINE_MAX		1024

/* Keeps a copy of line (NULL: empty); false when it was longer than CMDLINE_MAX and got cut. */
bool cmdline_init(const char *line);
bool cmdline_has(const char *word);
/* The value of the first key=value word, or NULL when there is none. */
const char *cmdline_get(const char *key);
/* False when key is absent or its value is not a decimal number that fits 32 bits. */
bool cmdline_get_u32(const char *key, uint32_t *val);
/* Whether the space-separated string s has word as one of its words. */
bool words_contain(const char *s, const char *word);

#endif
