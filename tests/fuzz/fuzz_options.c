/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the boot-option parser (core/options.c) on any command line. A line it accepts
 * describes itself (options_describe) as a line that parses to the same options, and a refusal
 * always says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "tests/fuzz/fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct boot_options *a, const struct boot_options *b)
{
	return a->timer == b->timer && a->advance_mode == b->advance_mode &&
	       (a->advance_mode != VLAPIC_ADVANCE_FIXED || a->advance_ns == b->advance_ns) &&
	       a->min_period_us == b->min_period_us && a->log_level == b->log_level &&
	       a->guest_mem_bytes == b->guest_mem_bytes && a->crash == b->crash;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_options o, again;
	char err[256], desc[512];
	char *line = malloc(size + 1);

	memcpy(line, data, size);
	line[size] = '\0';
	options_defaults(&o);
	err[0] = '\0';
	if (options_parse(line, &o, err, sizeof(err)) == 0) {
		options_describe(&o, desc, sizeof(desc));
		FUZZ_CHECK(strlen(desc) < sizeof(desc) - 1);
		options_defaults(&again);
		FUZZ_CHECK(options_parse(desc, &again, err, sizeof(err)) == 0);
		FUZZ_CHECK(same(&o, &again));
	} else {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	}
	free(line);
	return 0;
}
