# Boot tests: the PC interrupt chipset (8259 pair, I/O APIC, PIT) that tickvisor owns on the host
# and traps for the guest. The robustness guest tests/guest/chipset_robust.c programs it the way
# that used to bring the host down (a vector-8 PIT interrupt taken for #DF, I/O APIC pins sent to
# #XM's vector) and storms it with garbage; tickvisor must stay up, with either timer backend and
# either CPU model, and the guest must end the run itself. Format: see foundation.py.
from boottest import absent, bochs, present, test, tickvisor

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
