UNIT_TESTS += guest_load
UNIT_SRCS_guest_load := tests/unit/test_guest_load.c vmx/guest_load.c vmx/elf.c vmx/mb_header.c \
	vmx/mb_info.c arch/x86/mb2.c lib/error.c
