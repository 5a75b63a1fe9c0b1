# Host unit tests of chipset/vpit*.c: the 8254 model against a fake TSC and recording ops.
UNIT_TESTS += vpit
UNIT_SRCS_vpit := tests/unit/test_vpit.c chipset/vpit.c chipset/vpit_counter.c
