UNIT_TESTS += options
UNIT_SRCS_options := tests/unit/test_options.c core/options.c
