# Host unit tests of chipset/vpic.c: the 8259A pair against the datasheet, and a fuzz loop.
UNIT_TESTS += vpic
UNIT_SRCS_vpic := tests/unit/test_vpic.c chipset/vpic.c
