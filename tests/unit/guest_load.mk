UNIT_TESTS += guest_load
UNIT_SRCS_guest_load := tests/unit/test_guest_load.c loader/guest_load.c loader/elf.c loader/mb_header.c \
	loader/mb_info.c loader/bzimage.c loader/e820.c arch/x86/mb2.c \
	lib/error.c
