/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the guest loaders (loader/guest_load.c and what it calls: ELF32/ELF64, multiboot
 * v1 and v2 headers, the Linux bzImage and its zero page, the boot information, e820) on any
 * kernel image. The image lies in a heap buffer of exactly its size and guest RAM in one of its
 * own, so that AddressSanitizer catches a read past the file or a write past guest RAM. The
 * first bytes choose the RAM size, a command line and a module. A load that succeeds enters
 * inside guest RAM; one that fails says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/guest_load.h"
#include "tests/fuzz/fuzz_input.h"

#define MIB		(1024 * 1024ull)
#define RAM_MAX		(8 * MIB)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *ram;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cmdlines[] = {
		"", "console=ttyS0", "a=b c=d initrd=/x", NULL,
	};
	static const uint8_t module[] = "module bytes\n";
	struct fuzz_input in = { data, size };
	uint8_t how = in_u8(&in);
	struct guest_module kernel, mod = { module, sizeof(module), "mod" };
	struct guest_load_req req;
	struct guest_entry e;
	uint64_t ram_size = (2 + (how & 3) * 2) * MIB;	/* 2, 4, 6 or 8 MiB: above 1 MiB */
	uint8_t *image;
	char err[256];

	if (!ram)
		ram = malloc(RAM_MAX);
	/* exactly ram_size bytes before the end of the buffer: overruns hit the redzone */
	image = malloc(in.left ? in.left : 1);
	memcpy(image, in.p, in.left);
	kernel = (struct guest_module){ image, in.left, NULL };
	req = (struct guest_load_req){
		.ram = ram + RAM_MAX - ram_size, .ram_size = ram_size, .kernel = &kernel,
		.cmdline = cmdlines[(how >> 2) & 3], .mods = &mod, .nmods = (how >> 4) & 1,
	};
	memset(&e, 0, sizeof(e));
	err[0] = '\0';
	if (guest_load(&req, &e, err, sizeof(err)) == 0) {
		FUZZ_CHECK(e.eip < ram_size || e.protocol != GUEST_LINUX);
		FUZZ_CHECK(e.image_start <= e.image_end);
		FUZZ_CHECK(e.initrd_start <= e.initrd_end && e.initrd_end <= ram_size);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	free(image);
	return 0;
}
