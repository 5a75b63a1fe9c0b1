# Host unit tests of chipset/chipset.c: the PC wiring of the vPIC, vIOAPIC, vPIT and ACPI PM
# models, and the ACPI fixed hardware (chipset/acpi_pm.c).
UNIT_TESTS += chipset
UNIT_SRCS_chipset := tests/unit/test_chipset.c chipset/chipset.c chipset/vpic.c \
	chipset/vioapic.c chipset/vpit.c chipset/vpit_counter.c chipset/acpi_pm.c
