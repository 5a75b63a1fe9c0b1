# Boot tests: the PC interrupt chipset (8259 pair, I/O APIC, PIT) that tickvisor owns on the host
# and traps for the guest. The robustness guest tests/guest/chipset_robust.c programs it the way
# that used to bring the host down (a vector-8 PIT interrupt taken for #DF, I/O APIC pins sent to
# #XM's vector) and storms it with garbage; tickvisor must stay up, with either timer backend and
# either CPU model, and the guest must end the run itself. Format: see foundation.py.
from boottest import ANY, absent, bochs, native, present, test, tickvisor

CPUS = (("corei7_skylake_x", "skylake"), ("corei7_ivy_bridge_3770k", "ivybridge"))
CASES = {
	"pic": "the 8259 at the BIOS's vector base 8, IRQ0 unmasked, the PIT at 1 kHz, halts",
	"ioapic": "every I/O APIC pin sent to a vector below 32 and unmasked, PIT and COM1 "
		  "interrupts raised, halts",
	"storm": "EOIs and garbage to the 8259s, ELCR, PIT, port B and the I/O APIC page; REP "
		 "INS/OUTS on trapped ports",
}


def host_stayed_up():
	return [
		present("host-irq-setup", r"^tickvisor: host interrupts: .*all masked"),
		present("exit-stats", r"^tickvisor: exit statistics: \d+ exits"),
		# the remapped, masked controllers let no device interrupt through
		present("no-strays", r"^tickvisor:   stray host interrupts: 0 on device lines, "
			r"0 on other vectors$"),
		absent("no-panic", r"^  stack trace:"),
		absent("no-exception", r"unexpected exception"),
	]


TESTS = [
	test("robust-%s-%s-%s" % (case, short, timer), bochs(cpu),
	     tickvisor("timer=" + timer, "build/guest/chipset_robust.elf",
		       "env=tickvisor case=" + case),
	     host_stayed_up(), guest_results=True, exit_status=0, timeout=120,
	     doc="chipset_robust.elf case=%s under tickvisor (%s backend, %s): %s" %
	     (case, timer, cpu, doc))
	for case, doc in CASES.items() for cpu, short in CPUS for timer in ("hv", "sw")
]

# The guest's view of the chipset (tests/guest/chipset_pc.c): the 8259 pair programmed as Linux
# does (ExtINT through LINT0, EOIs, AEOI, poll, spurious IR7, the cascade), the I/O APIC's
# registers, edge, level (Remote IRR, both EOIs) and NMI entries, the 8254's modes 0, 2 and 3
# through either controller, its reads against the TSC, channel 2's gate and OUT2, and COM1's
# THR-empty interrupt through each. Natively the emulator's own chipset is the reference, with
# Bochs 2.7's departures from the datasheets marked; under tickvisor every check must pass.
BOCHS_RTE_BITS = ("Bochs 2.7 keeps every bit written to a redirection entry, reserved and "
		  "read-only ones included (82093AA 3.2.4: reserved, Remote IRR and delivery "
		  "status are read-only)")
BOCHS_NO_REMOTE_IRR = ("Bochs 2.7's I/O APIC has no Remote IRR: a level-triggered entry never "
		       "shows bit 14 (82093AA 3.2.4), and its EOI does nothing")
BOCHS_POLL = ("Bochs 2.7 answers the 8259's poll with the level alone, without bit 7 "
	      "(datasheet, 'The poll command': I = 1 when a request was served), and ends "
	      "the in-service level instead of setting it")
BOCHS_CHIPSET_DEVIATIONS = {
	"pic.poll_word": BOCHS_POLL,
	"pic.poll_sets_isr": BOCHS_POLL,
	"ioapic.version_0x20": "Bochs 2.7's I/O APIC reports version 0x11 (an 82093AA without "
		"the EOI register); tickvisor's reports 0x20, as the ICH/PCH and QEMU do",
	"ioapic.arbitration_follows_id": "Bochs 2.7 reads the arbitration register as 0; "
		"the 82093AA loads it from the ID (3.2.3)",
	"ioapic.rte_low_writable_bits": BOCHS_RTE_BITS,
	"ioapic.rte_high_reserved_zero": BOCHS_RTE_BITS,
	"ioapic.level_remote_irr_set": BOCHS_NO_REMOTE_IRR,
	"ioapic.level_still_high_redelivered": BOCHS_NO_REMOTE_IRR,
	"ioapic.nmi_once": "Bochs 2.7 delivers two NMIs for one edge on an I/O APIC entry in "
		"NMI mode (observed; tickvisor and the 82093AA send one message per edge)",
}
PC_DOC = "8259 pair, I/O APIC, 8254 and COM1's interrupt as a guest programs them"

TESTS += [
	test("pc-native", bochs("corei7_skylake_x"),
	     native("build/guest/chipset_pc.elf", "env=native"),
	     guest_results=True, known_deviations=BOCHS_CHIPSET_DEVIATIONS, exit_status=ANY,
	     timeout=120, doc="chipset_pc.elf on Bochs' own chipset (skylake), no hypervisor: "
	     + PC_DOC),
]
TESTS += [
	test("pc-%s-%s" % (short, timer), bochs(cpu),
	     tickvisor("timer=" + timer, "build/guest/chipset_pc.elf", "env=tickvisor"),
	     host_stayed_up()[1:], guest_results=True, exit_status=0, timeout=180,
	     doc="chipset_pc.elf under tickvisor (%s backend, %s): %s" % (timer, cpu, PC_DOC))
	for cpu, short in CPUS for timer in ("hv", "sw")
]
