/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the xAPIC MMIO instruction decoder (vlapic/mmio_decode.c) on any bytes. The first
 * byte picks the CPU mode, the rest is the instruction, in a heap buffer of exactly that size so
 * that AddressSanitizer catches a read past the bytes the VM exit handed over. A decoded
 * instruction never claims more bytes than it was given, nor more than 15 (SDM 2.3.11).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_input.h"
#include "vlapic/mmio_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vlapic_mmio_insn insn;
	enum vlapic_decode_error err;
	enum vlapic_cpu_mode mode;
	uint8_t *bytes;
	size_t n;

	if (!size)
		return 0;
	mode = data[0] & 1 ? VLAPIC_CPU_LONG64 : VLAPIC_CPU_PROT32;
	n = size - 1;
	bytes = malloc(n ? n : 1);
	memcpy(bytes, data + 1, n);
	memset(&insn, 0, sizeof(insn));
	err = vlapic_mmio_decode(bytes, n, mode, &insn);
	FUZZ_CHECK(vlapic_mmio_decode_strerror(err) != NULL);
	if (err == VLAPIC_DECODE_OK) {
		FUZZ_CHECK(insn.len >= 1 && insn.len <= n && insn.len <= VLAPIC_INSN_MAX);
		FUZZ_CHECK(insn.reg < (mode == VLAPIC_CPU_LONG64 ? 16 : 8));
	}
	free(bytes);
	return 0;
}
