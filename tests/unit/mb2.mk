UNIT_TESTS += mb2
UNIT_SRCS_mb2 := tests/unit/test_mb2.c arch/x86/mb2.c
