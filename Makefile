# tickvisor build. `make` builds the hypervisor, the guest kernels and the default ISO;
# `make test` runs every test; `make run` boots the default ISO; `make bench` runs the benchmarks.
# CROSS_COMPILE=x86_64-elf- selects a cross toolchain for the hypervisor.

CROSS_COMPILE ?=
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
HOSTCC  ?= gcc
PYTHON  ?= python3
B       := build

# Freestanding x86-64: no red zone (interrupts arrive on the current stack), no SSE (the
# hypervisor never saves the guest's FPU state), frame pointers for the panic stack trace.
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding -fno-stack-protector -fno-pic \
	   -fno-pie -mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-omit-frame-pointer \
	   -fno-asynchronous-unwind-tables -fno-strict-aliasing -nostdlib -I. -MMD -MP
KASFLAGS := -g -I. -MMD -MP -D__ASSEMBLY__
KLDFLAGS := -nostdlib -n -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld
# libgcc supplies 128-bit division (__udivti3) for the TSC arithmetic.
LIBGCC  := $(shell $(CC) -print-libgcc-file-name)

HV_SRCS := $(sort $(wildcard boot/*.S arch/x86/*.c arch/x86/*.S vmx/*.c vmx/*.S vlapic/*.c \
	   chipset/*.c loader/*.c lib/*.c core/*.c))
HV_OBJS := $(patsubst %,$(B)/hv/%.o,$(HV_SRCS))

# V=1 prints every command in full; by default a build step is one line: what it does, to what.
V ?= 0
ifeq ($(V),1)
say =
Q :=
else
say = @printf '  %-8s%s\n' '$(1)' '$(2)';
Q := @
endif

.PHONY: all test unit run bench clean deps
all: $(B)/tickvisor.elf $(B)/tickvisor.iso

$(B)/hv/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/hv/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) $(KASFLAGS) -c $< -o $@

# Two link passes give the panic stack trace its function names (arch/x86/panic.h): the first
# links an empty symbol table, tools/ksyms turns that image's nm listing into the real one, the
# second links it. The table lands in .rodata after .text, so no function moves between the
# passes; tools/ksyms --check holds the build to that.
NM      := $(CROSS_COMPILE)nm
KSYMS_CC = $(CC) $(KCFLAGS) -c $(B)/hv/$(1).c -o $(B)/hv/$(1).o

$(B)/hv/ksyms0.o: tools/ksyms arch/x86/panic.h
	@mkdir -p $(dir $@)
	$(call say,KSYMS,$(B)/hv/ksyms0.c)tools/ksyms > $(B)/hv/ksyms0.c
	$(call say,CC,$@)$(call KSYMS_CC,ksyms0)

$(B)/tickvisor.elf.0: $(HV_OBJS) $(B)/hv/ksyms0.o linker.ld
	$(call say,LD,$@)$(LD) $(KLDFLAGS) $(HV_OBJS) $(B)/hv/ksyms0.o $(LIBGCC) -o $@

$(B)/hv/ksyms.o: $(B)/tickvisor.elf.0 tools/ksyms arch/x86/panic.h
	$(call say,KSYMS,$(B)/hv/ksyms.c)NM=$(NM) tools/ksyms $< > $(B)/hv/ksyms.c
	$(call say,CC,$@)$(call KSYMS_CC,ksyms)

$(B)/tickvisor.elf: $(HV_OBJS) $(B)/hv/ksyms.o linker.ld
	$(call say,LD,$@)$(LD) $(KLDFLAGS) $(HV_OBJS) $(B)/hv/ksyms.o $(LIBGCC) -o $@
	$(Q)NM=$(NM) tools/ksyms --check $(B)/tickvisor.elf.0 $@

# ---- host unit tests: each tests/unit/*.mk adds `UNIT_TESTS += name` and
# `UNIT_SRCS_name := tests/unit/test_name.c <sources under test>`; built against cmocka.
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -I. -DHOST_UNIT_TEST -fsanitize=address,undefined
UNIT_BINS := $(patsubst %,$(B)/unit/test_%,$(UNIT_TESTS))

$(B)/unit/test_%:
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$@)$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_SRCS_$*) -lcmocka -o $@

# Every header a unit test may include: gcc's -MMD lists only the last source's headers when
# one command compiles several.
UNIT_HDRS := $(wildcard tests/unit/*.h lib/*.h arch/x86/*.h core/*.h vmx/*.h vlapic/*.h \
	     chipset/*.h loader/*.h)
define unit_deps
$(B)/unit/test_$(1): $(UNIT_SRCS_$(1)) $(UNIT_HDRS) Makefile
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_deps,$(t))))

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do $$t || exit 1; done

# ---- guest kernels (tests/guest/guest.mk defines GUEST_ELFS and their rules)
GUEST_ELFS :=
include tests/guest/guest.mk

include tests/fuzz/fuzz.mk

# ---- the Linux guest of the boot tests (make linux, make test-linux)
include tests/linux/linux.mk

# ---- the default ISO: tickvisor running the guest test suite (tools/grub/default.cfg)
ISO_CFG   := tools/grub/default.cfg
ISO_FILES := $(B)/tickvisor.elf $(B)/guest/timer.elf $(B)/guest/mbtest.elf $(B)/guest/module1.bin \
	     $(B)/guest/module2.bin

$(B)/tickvisor.iso: $(ISO_CFG) $(ISO_FILES) tools/mkiso
	$(call say,ISO,$@)tools/mkiso $@ $(ISO_CFG) $(ISO_FILES)

# `make` builds every guest kernel too, not only the one on the default ISO.
all: $(GUEST_ELFS) $(GUEST_FIXTURES)

# ---- make test / run / deps / bench
# make test: builds everything, then tools/runtests.py runs the unit tests and the boot tests
# (tests/boot/*.py). TESTFLAGS passes options on: make test TESTFLAGS='-k foundation/ -v'.
# make run: boots the default ISO with COM1 on the terminal; tools/boot says which platform it
# chose and why (QEMU + KVM where the host has nested VT-x: /dev/kvm, the vmx flag and
# kvm_intel nested=Y; else Bochs). PLATFORM=bochs|qemu-kvm|qemu-tcg overrides the choice.
# make run KERNEL=path [APPEND=..] [INITRD=path] [MODULES="a b"] [TV=..] [MEM=..] [CONSOLE=1]
# boots any guest kernel under tickvisor, as QEMU's -kernel/-append/-initrd (tools/tv-run);
# make run GUEST=linux is Debian's kernel with a busybox shell on an interactive console.
PLATFORM  ?=
KERNEL    ?=
APPEND    ?=
INITRD    ?=
MODULES   ?=
TV        ?=
MEM       ?=
CONSOLE   ?=
GUEST     ?=
TESTFLAGS ?=
deps:
	@tools/deps

test: deps all $(UNIT_BINS)
	$(PYTHON) tools/runtests.py $(TESTFLAGS)

run: deps all
ifeq ($(GUEST),linux)
	tools/tv-run --console --mem $(or $(MEM),256M) --append '$(or $(APPEND),console=ttyS0 tvshell)' \
		--initrd $(or $(INITRD),$(LINUX_INITRD)) $(if $(TV),--tv '$(TV)') \
		$(addprefix --module ,$(MODULES)) $(if $(PLATFORM),--platform $(PLATFORM)) \
		$(or $(KERNEL),$(LINUX_B)/vmlinuz)
else ifneq ($(KERNEL),)
	tools/tv-run $(if $(CONSOLE),--console) $(if $(MEM),--mem $(MEM)) \
		$(if $(APPEND),--append '$(APPEND)') $(if $(INITRD),--initrd $(INITRD)) \
		$(addprefix --module ,$(MODULES)) $(if $(TV),--tv '$(TV)') \
		$(if $(PLATFORM),--platform $(PLATFORM)) $(KERNEL)
else ifneq ($(GUEST),)
	$(error GUEST=$(GUEST): only GUEST=linux is known (or KERNEL=path))
else
	tools/boot $(B)/tickvisor.iso $(PLATFORM)
endif

# make run GUEST=linux needs the kernel and the initramfs (make linux).
ifeq ($(GUEST),linux)
run: linux
endif

# make bench: tools/bench boots bench.elf natively and under tickvisor in each configuration (in
# parallel), prints the tables and writes build/bench.json, build/bench-latency.png and
# build/bench-cost.png.
# PLATFORM=qemu-kvm runs the set under QEMU + KVM; where there is no nested VT-x it says so and
# fails (status 2) without running anything.
bench: deps all
	$(PYTHON) tools/bench $(if $(PLATFORM),--platform $(PLATFORM))

-include $(shell find $(B) -name '*.d' 2>/dev/null)

clean:
	rm -rf $(B)

# make help: the targets and the variables that change them.
.PHONY: help
help:
	@echo 'Targets:'
	@echo '  all (default)  the hypervisor build/tickvisor.elf, the guest kernels build/guest/,'
	@echo '                 the default ISO build/tickvisor.iso'
	@echo '  test           all, then every unit test, boot test and tool check (tools/runtests.py);'
	@echo '                 ends with "N passed, M failed"'
	@echo '  unit           build and run the host unit tests only'
	@echo '  run            boot the default ISO with COM1 on this terminal (tools/boot): says'
	@echo '                 which platform it chose and why; exits with the guest'"'"'s status'
	@echo '  run KERNEL=f   boot any kernel (multiboot ELF or bzImage) under tickvisor'
	@echo '                 (tools/tv-run), as QEMU -kernel: APPEND, INITRD, MODULES, TV, MEM'
	@echo '  run GUEST=linux  Debian'"'"'s kernel with a busybox shell on an interactive console'
	@echo '                 (make linux fetches it); exit the shell to end the run'
	@echo '  bench          the timer benchmarks (tools/bench): tables, build/bench.json,'
	@echo '                 build/bench-latency.png and build/bench-cost.png'
	@echo '  linux          fetch Debian'"'"'s kernel (apt-get download) and build the initramfs'
	@echo '  test-linux     only the Linux boot tests'
	@echo '  fuzz           the fuzzing guest, long: SEED=, N=, FUZZ_CONFIGS=, FUZZ_ARGS='
	@echo '  fuzz-host      the libFuzzer harnesses (tests/fuzz/), FUZZ_SECONDS each (default 60)'
	@echo '  deps           check (as root: install) the Debian packages (tools/deps)'
	@echo '  clean          remove build/'
	@echo '  help           this text'
	@echo 'Variables (make VAR=value ...):'
	@echo '  PLATFORM=bochs|qemu-kvm|qemu-tcg   run: where to boot (default: qemu-kvm where'
	@echo '                 there is nested VT-x, else bochs); bench: bochs (default) or qemu-kvm'
	@echo "  TESTFLAGS='-k foundation/ -v -j 1'  test: options for tools/runtests.py (--help)"
	@echo '  V=1                                every build command in full (default: one line a'
	@echo '                 step, what it does and to which file)'
	@echo '  CROSS_COMPILE=x86_64-elf-          a cross toolchain for the hypervisor and guests'
	@echo '  CC=clang       the compiler (default $$(CROSS_COMPILE)gcc); HOSTCC for the unit'
	@echo '                 tests (default gcc)'
	@echo '  B=dir          the build directory (default build)'
	@echo '  PYTHON         the Python 3 that runs the tools (default python3)'
	@echo "  APPEND='...'   run: the guest's command line (GUEST=linux: console=ttyS0 tvshell)"
	@echo '  INITRD=f       run: the initrd, the first module after the kernel'
	@echo "  MODULES='a b'  run: more modules, in order, after the initrd"
	@echo "  TV='timer=sw trace=64'  run: tickvisor's boot options (README 'Boot options')"
	@echo '  MEM=256M       run: guest RAM, tickvisor'"'"'s guest_mem= (GUEST=linux: 256M)'
	@echo '  CONSOLE=1      run KERNEL=: typed input reaches the guest (Bochs: term mode)'
	@echo '  RUN_TIMEOUT=s  run: seconds before the emulator is killed (default 600)'
	@echo '  BOCHS_CPU=m    run on Bochs: the CPU model (default corei7_skylake_x)'
	@echo 'Each tool in tools/ answers --help. README.md says the rest.'
