UNIT_TESTS += bzimage
UNIT_SRCS_bzimage := tests/unit/test_bzimage.c loader/guest_load.c loader/bzimage.c loader/e820.c \
	loader/elf.c loader/mb_header.c loader/mb_info.c lib/error.c
