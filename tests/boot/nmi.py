# Boot tests: NMIs sent by the local APIC to itself and the processor's NMI blocking (the guest
# kernel tests/guest/nmi.c). Natively on Bochs the emulator's LAPIC and CPU are the reference;
# under tickvisor, with either timer backend, either APIC mode and both delivery paths
# (skylake: virtual-interrupt delivery; ivy_bridge: event injection), every check must pass.
# Format: see foundation.py.
from boottest import absent, bochs, native, present, test, tickvisor

CPUS = (("corei7_skylake_x", "skylake"), ("corei7_ivy_bridge_3770k", "ivybridge"))
MODES = ("xapic", "x2apic")
# Where Bochs 2.7 departs from KVM, where the SDM leaves it undefined: {check: reason}
BOCHS_DEVIATIONS = {
	"nmi.self_ipi_once": "Bochs 2.7 delivers an ICR write with the self shorthand as a fixed "
		"interrupt of its vector, whatever the delivery mode: an NMI IPI to self becomes "
		"vector 0 (illegal, dropped). SDM table 11-3 calls NMI with the self shorthand "
		"invalid (undefined); KVM and tickvisor deliver the NMI, which Linux's self NMI "
		"(APIC_DEST_SELF | APIC_DM_NMI) expects",
}
DOC = "NMI IPIs by shorthand and ID, exactly once, with IF = 0, blocked until the handler's IRET"


def native_run(mode):
	return test("nmi-native-" + mode, bochs("corei7_skylake_x"),
		    native("build/guest/nmi.elf", "env=native mode=" + mode),
		    guest_results=True, known_deviations=BOCHS_DEVIATIONS, exit_status=1,
		    timeout=120, doc="nmi.elf on Bochs' own LAPIC (skylake %s), no hypervisor: %s" %
		    (mode, DOC))


def tv_run(cpu, short, timer, mode):
	return test("nmi-%s-%s-%s" % (short, timer, mode), bochs(cpu),
		    tickvisor("timer=" + timer, "build/guest/nmi.elf",
			      "env=tickvisor mode=" + mode),
		    [present("exit-stats", r"^tickvisor: exit statistics: \d+ exits"),
		     present("nmis-injected", r"^tickvisor: vLAPIC NMIs: \d+ raised, \d+ merged "
			     r"into a pending one, [1-9]\d* injected"),
		     absent("no-panic", r"^  stack trace:")],
		    guest_results=True, exit_status=0, timeout=120,
		    doc="nmi.elf under tickvisor: %s backend, %s guest, %s: %s" %
		    (timer, mode, cpu, DOC))


TESTS = [native_run(m) for m in MODES]
TESTS += [tv_run(cpu, short, timer, mode)
	  for cpu, short in CPUS for timer in ("hv", "sw") for mode in MODES]
