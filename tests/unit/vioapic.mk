# Host unit tests of chipset/vioapic.c: the 82093AA-style I/O APIC, and a fuzz loop.
UNIT_TESTS += vioapic
UNIT_SRCS_vioapic := tests/unit/test_vioapic.c chipset/vioapic.c
