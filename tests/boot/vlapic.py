# Boot tests: the LAPIC timer (timer.elf). Natively on Bochs the emulator's LAPIC is the reference,
# with its known departures from the SDM (PLATFORMS.md) marked; under tickvisor, with either timer
# backend and either delivery path, every check must pass. Format: see foundation.py.
from boottest import absent, bochs, native, present, test, tickvisor

TIMER = "build/guest/timer.elf"

# PLATFORMS.md, Bochs 2.7: "IA32_TSC_DEADLINE keeps reading the old deadline after it fired
# (the SDM says 0)".
BOCHS_DEVIATIONS = {
	"tscdeadline.reads_zero_after_fire": "Bochs 2.7 keeps the old deadline in "
		"IA32_TSC_DEADLINE after it fired (PLATFORMS.md); the SDM says it reads 0",
}


def ran_guest():
	return [
		present("exit-stats", r"^tickvisor: exit statistics: \d+ exits"),
		absent("no-panic", r"^  stack trace:"),
	]


# The guest ends with status 1 whenever a check failed, a known deviation included; the summary
# check still refuses any failure not in the map.
def native_run(mode):
	return test("native-" + mode, bochs("corei7_skylake_x"),
		    native(TIMER, "env=native mode=" + mode),
		    guest_results=True, known_deviations=BOCHS_DEVIATIONS, exit_status=1,
		    timeout=120,
		    doc="timer.elf on Bochs' own LAPIC (%s), no hypervisor: the reference" % mode)


def tv_run(cpu, short, timer, mode):
	return test("%s-%s-%s" % (short, timer, mode), bochs(cpu),
		    tickvisor("timer=" + timer, TIMER, "env=tickvisor mode=" + mode),
		    ran_guest(), guest_results=True, exit_status=0, timeout=120,
		    doc="timer.elf under tickvisor: %s backend, %s guest, %s" % (timer, mode, cpu))


TESTS = [
	native_run("xapic"),
	native_run("x2apic"),
	# The feature checks: no TSC-deadline here (those checks SKIP), and no x2APIC (all SKIP).
	test("native-arrandale-xapic", bochs("corei5_arrandale_m520"),
	     native(TIMER, "env=native mode=xapic"), guest_results=True, exit_status=0, timeout=120,
	     doc="timer.elf natively on a CPU without TSC-deadline: those checks SKIP"),
	test("native-arrandale-x2apic", bochs("corei5_arrandale_m520"),
	     native(TIMER, "env=native mode=x2apic"),
	     [present("all-skipped", r"^SUMMARY: (\d+) tests, 0 failures, \1 skipped$")],
	     guest_results=True, exit_status=0, timeout=120,
	     doc="mode=x2apic on a CPU without x2APIC: every check SKIPs, nothing faults"),
] + [
	tv_run(cpu, short, timer, mode)
	for cpu, short in (("corei7_skylake_x", "skylake"),
			   ("corei7_ivy_bridge_3770k", "ivybridge"))
	for timer in ("hv", "sw")
	for mode in ("xapic", "x2apic")
]
