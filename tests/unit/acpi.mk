# The ACPI table builder, read back by the test's own decoder and by iasl -d (acpica-tools).
UNIT_TESTS += acpi
UNIT_SRCS_acpi := tests/unit/test_acpi.c loader/acpi.c lib/error.c
