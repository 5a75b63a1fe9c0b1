/* SPDX-License-Identifier: MIT */
/*
 * Little-endian loads from byte buffers that carry no alignment promise (ELF files, multiboot
 * headers and tags in guest or loader memory). memcpy keeps them defined C; gcc makes each one
 * load. x86 is little-endian, so no byte swap.
 */
#ifndef LIB_UNALIGNED_H
#define LIB_UNALIGNED_H

#include <stdint.h>

#include "lib/string.h"

static inline uint16_t get_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
