UNIT_TESTS += pmm
UNIT_SRCS_pmm := tests/unit/test_pmm.c arch/x86/pmm.c
