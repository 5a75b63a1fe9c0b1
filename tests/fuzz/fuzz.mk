# Fuzzing (included by the top-level Makefile; README "Fuzzing").
#
# make fuzz SEED=s N=n: the fuzzing guest (tests/guest/fuzz.c) with seed s for n operations, on
# Bochs natively and under tickvisor with each timer backend and CPU model, through
# tests/fuzz/guest-run; every configuration is a make target of its own, so make -j2 fuzz runs
# two at a time. FUZZ_CONFIGS picks configurations, FUZZ_ARGS adds to the guest's command line
# (forms=all strict=1 disable=1 relocate=1 trace=i).
#
# make fuzz-host: each libFuzzer harness tests/fuzz/fuzz_<target>.c (clang, ASan + UBSan) for
# FUZZ_SECONDS seconds, from its committed corpus tests/fuzz/corpus/<target>/ plus what earlier
# runs found (build/fuzz-host/corpus/<target>/); a crash stops it with the input in
# build/fuzz-host/crash-*. FUZZ_TARGETS picks harnesses.

SEED         ?= 1
N            ?= 100000
FUZZ_ARGS    ?=
FUZZ_CONFIGS ?= native hv-skylake sw-skylake hv-ivybridge sw-ivybridge
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= mmio_decode vlapic options guest_load chipset
FUZZ_CC      ?= clang
FUZZ_B       := $(B)/fuzz-host
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -Wall -Wextra -I. -DHOST_UNIT_TEST \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

# The code under test of each harness: the unit tests' lists without their test files.
FUZZ_SRCS_mmio_decode = vlapic/mmio_decode.c
FUZZ_SRCS_vlapic      = $(VLAPIC_UNIT_SRCS)	# with the fake platform
FUZZ_LIBS_vlapic      = -lcmocka
FUZZ_SRCS_options     = core/options.c
FUZZ_SRCS_guest_load  = $(filter-out tests/unit/%,$(UNIT_SRCS_guest_load))
FUZZ_SRCS_chipset     = $(filter-out tests/unit/%,$(UNIT_SRCS_chipset))

FUZZ_BINS := $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-host fuzz-host-build
fuzz: deps $(patsubst %,fuzz-guest-%,$(FUZZ_CONFIGS))

fuzz-guest-%: $(B)/tickvisor.elf $(B)/guest/fuzz.elf
	B=$(B) tests/fuzz/guest-run $* $(SEED) $(N) $(FUZZ_ARGS)

fuzz-host-build: $(FUZZ_BINS)

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_input.h $(UNIT_HDRS) tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS_$*) $(FUZZ_LIBS_$*) -o $@

fuzz-host: deps $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_B)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
		echo "fuzz-host: $$t for $(FUZZ_SECONDS) s"; \
		$(FUZZ_B)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_B)/ $(FUZZ_B)/corpus/$$t tests/fuzz/corpus/$$t \
			2>$(FUZZ_B)/$$t.log || { tail -40 $(FUZZ_B)/$$t.log; exit 1; }; \
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done' $(FUZZ_B)/$$t.log; \
	done
