/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer harnesses' input reader: a harness takes its operations and their operands from
 * the fuzzer's bytes in order, and reads zeroes once they run out.
 */
#ifndef TESTS_FUZZ_FUZZ_INPUT_H
#define TESTS_FUZZ_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t in_u8(struct fuzz_input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint16_t in_u16(struct fuzz_input *in)
{
	return in_u8(in) | (uint16_t)in_u8(in) << 8;
}

static inline uint32_t in_u32(struct fuzz_input *in)
{
	return in_u16(in) | (uint32_t)in_u16(in) << 16;
}

static inline uint64_t in_u64(struct fuzz_input *in)
{
	return in_u32(in) | (uint64_t)in_u32(in) << 32;
}

/* A harness's property that failed: abort, which libFuzzer reports as a crash with its input. */
#define FUZZ_CHECK(cond)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,	\
				__LINE__, #cond);				\
			abort();						\
		}								\
	} while (0)

#endif
