# Guest test kernels (included by the top-level Makefile): ordinary multiboot kernels that GRUB
# boots natively or tickvisor runs as its guest. 32-bit protected mode, no paging, linked at
# 1 MiB, built with the same gcc as the hypervisor but -m32; objects mirror their source paths
# under $(B)/guest/, so the shared lib/string.c and lib/fmt.c land in $(B)/guest/lib/.
# There is no libgcc for -m32 here: no 64-bit division in guest code.

GUEST_B       := $(B)/guest
GUEST_OBJCOPY := $(CROSS_COMPILE)objcopy
GUEST_AR      := $(CROSS_COMPILE)ar
GUEST_CFLAGS  := -m32 -march=i686 -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding -fno-pic \
		 -fno-pie -fno-stack-protector -mgeneral-regs-only -nostdlib \
		 -fno-asynchronous-unwind-tables -I. -MMD -MP
GUEST_ASFLAGS := -m32 -march=i686 -g -I. -MMD -MP -D__ASSEMBLY__
GUEST_LDS     := tests/guest/lib/guest.ld
# One RWX image with no stack segment: neither warning applies to a kernel.
GUEST_LDFLAGS := -m elf_i386 -nostdlib -z max-page-size=0x1000 -z noexecstack \
		 --no-warn-rwx-segments -T $(GUEST_LDS)

# entry.S is built once per multiboot header version; the rest goes into one library.
GUEST_LIB_SRCS := $(filter-out tests/guest/lib/entry.S, \
		  $(wildcard tests/guest/lib/*.c tests/guest/lib/*.S)) lib/string.c lib/fmt.c
GUEST_LIB      := $(GUEST_B)/libguest.a
GUEST_ENTRY1   := $(GUEST_B)/tests/guest/lib/entry-mb1.o
GUEST_ENTRY2   := $(GUEST_B)/tests/guest/lib/entry-mb2.o

# Every other tests/guest/NAME.c is a multiboot v1 kernel of its own, build/guest/NAME.elf: a new
# guest needs no rule here.
GUEST_MB1      := $(filter-out mbtest,$(basename $(notdir $(wildcard tests/guest/*.c))))
GUEST_ELFS     += $(GUEST_B)/mbtest.elf $(GUEST_B)/mbtest2.elf $(GUEST_B)/mbtest64.elf \
		  $(patsubst %,$(GUEST_B)/%.elf,$(GUEST_MB1))
# The modules mbtest expects (modules=N), next to the kernels for the ISO builders.
GUEST_FIXTURES := $(patsubst tests/guest/fixtures/%,$(GUEST_B)/%, \
		  $(wildcard tests/guest/fixtures/*.bin))

.PHONY: guests
guests: $(GUEST_ELFS) $(GUEST_FIXTURES)

$(GUEST_B)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_B)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_ENTRY1): tests/guest/lib/entry.S
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_ENTRY2): tests/guest/lib/entry.S
	@mkdir -p $(dir $@)
	$(call say,AS,$@)$(CC) $(GUEST_ASFLAGS) -DMB2 -c $< -o $@

$(GUEST_LIB): $(patsubst %,$(GUEST_B)/%.o,$(GUEST_LIB_SRCS))
	@rm -f $@
	$(call say,AR,$@)$(GUEST_AR) rcs $@ $^

# $(call guest_link,entry object,kernel object): the entry object first, so the header leads.
guest_link = $(call say,LD,$@)$(LD) $(GUEST_LDFLAGS) $(1) $(2) $(GUEST_LIB) -o $@

$(GUEST_B)/mbtest.elf: $(GUEST_ENTRY1) $(GUEST_B)/tests/guest/mbtest.c.o $(GUEST_LIB) $(GUEST_LDS)
	$(call guest_link,$(GUEST_ENTRY1),$(GUEST_B)/tests/guest/mbtest.c.o)

$(GUEST_B)/mbtest2.elf: $(GUEST_ENTRY2) $(GUEST_B)/tests/guest/mbtest.c.o $(GUEST_LIB) $(GUEST_LDS)
	$(call guest_link,$(GUEST_ENTRY2),$(GUEST_B)/tests/guest/mbtest.c.o)

# GRUB's multiboot v1 loader also takes an ELF64 file whose code is 32-bit.
$(GUEST_B)/mbtest64.elf: $(GUEST_B)/mbtest.elf
	$(call say,OBJCOPY,$@)$(GUEST_OBJCOPY) -O elf64-x86-64 $< $@

$(GUEST_B)/%.elf: $(GUEST_ENTRY1) $(GUEST_B)/tests/guest/%.c.o $(GUEST_LIB) $(GUEST_LDS)
	$(call guest_link,$(GUEST_ENTRY1),$(GUEST_B)/tests/guest/$*.c.o)

# Kept, not deleted as intermediates: their .d files name them, and relinking alone is cheap.
.SECONDARY: $(patsubst %,$(GUEST_B)/tests/guest/%.c.o,$(GUEST_MB1))

$(GUEST_B)/%.bin: tests/guest/fixtures/%.bin
	@mkdir -p $(dir $@)
	$(call say,CP,$@)cp $< $@
