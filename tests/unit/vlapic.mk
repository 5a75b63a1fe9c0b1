# Host unit tests of vlapic/: the whole vlapic core against the fake platform, and the decoder.
VLAPIC_UNIT_SRCS := tests/unit/vlapic_fake_env.c vlapic/vlapic.c vlapic/regs.c vlapic/mmio.c \
	vlapic/msr.c vlapic/apic_base.c vlapic/irq.c vlapic/ipi.c vlapic/timer.c \
	vlapic/timer_backend.c vlapic/timer_advance.c vlapic/lint.c vlapic/nmi.c

UNIT_TESTS += vlapic_timer vlapic_backend vlapic_regs vlapic_msr vlapic_decode vlapic_chipset \
	vlapic_hostile vlapic_emulate
UNIT_SRCS_vlapic_timer := tests/unit/test_vlapic_timer.c $(VLAPIC_UNIT_SRCS)
UNIT_SRCS_vlapic_backend := tests/unit/test_vlapic_backend.c $(VLAPIC_UNIT_SRCS)
UNIT_SRCS_vlapic_regs := tests/unit/test_vlapic_regs.c $(VLAPIC_UNIT_SRCS)
UNIT_SRCS_vlapic_msr := tests/unit/test_vlapic_msr.c $(VLAPIC_UNIT_SRCS)
UNIT_SRCS_vlapic_chipset := tests/unit/test_vlapic_chipset.c $(VLAPIC_UNIT_SRCS)
UNIT_SRCS_vlapic_decode := tests/unit/test_vlapic_decode.c vlapic/mmio_decode.c
UNIT_SRCS_vlapic_emulate := tests/unit/test_vlapic_emulate.c vlapic/mmio_decode.c \
	vlapic/mmio_emulate.c $(VLAPIC_UNIT_SRCS)
UNIT_SRCS_vlapic_hostile := tests/unit/test_vlapic_hostile.c $(VLAPIC_UNIT_SRCS)
