# Boot tests: the local APIC and its timer (the guest kernels tests/guest/timer*.c and
# apic_*.c). Natively on Bochs and QEMU TCG the emulator's LAPIC is the reference, with its
# known departures from the SDM marked; under tickvisor, with either timer backend, either
# delivery path and either APIC mode, every check must pass. Format: see foundation.py.
from boottest import absent, bochs, native, present, qemu_tcg, test, tickvisor

CPUS = (("corei7_skylake_x", "skylake"), ("corei7_ivy_bridge_3770k", "ivybridge"))
MODES = ("xapic", "x2apic")

BOCHS_NO_REENABLE = ("Bochs 2.7 ignores every IA32_APIC_BASE write once EN is clear "
		     "(docs/platforms.md): the APIC can't be enabled again, and no write from the "
		     "disabled state raises #GP")
QEMU_NO_REENABLE = "QEMU 7.2 TCG refuses to enable a disabled APIC again (docs/platforms.md)"
BOCHS_TDCR = ("Bochs 2.7 divides the whole count since the TMICT write by a new divisor (TMCCT "
	      "jumps) and keeps the expiry the old one gave; the divisor slows the count (SDM "
	      "11.5.4), so TMCCT goes on from where it was and what is left takes longer (KVM)")
QEMU_TDCR = ("QEMU 7.2 recomputes the count from the TMICT write at the new divisor: TMCCT "
	     "jumps and the expiry moves as if that divisor had been set from the start")
QEMU_FIXED_BASE = ("QEMU 7.2 TCG takes a new base in IA32_APIC_BASE but keeps serving the APIC "
		   "at 0xfee00000 (its MMIO region does not move); SDM 11.4.4 moves the page")
QEMU_SVR = ("QEMU 7.2 holds the LVT interrupts of a software-disabled APIC back but does not "
	    "set their mask bits (SDM 11.4.7.2)")

# Where Bochs 2.7's own LAPIC departs from the SDM (or, where the SDM is silent, from KVM and
# docs/timer.md): {kernel: {check: reason}}; BOCHS_X2APIC_DEVIATIONS adds those of x2APIC mode.
BOCHS_DEVIATIONS = {
	"timer": {
		"tscdeadline.reads_zero_after_fire": "Bochs 2.7 keeps the old deadline in "
			"IA32_TSC_DEADLINE after it fired (docs/platforms.md); the SDM says it reads 0",
	},
	"timer_modes": {
		"modeswitch.into_deadline_clears_tmict": "Bochs 2.7 only disarms the count "
			"when the LVT timer enters TSC-deadline mode, and TMICT keeps reading it; "
			"the SDM says the switch disarms, KVM (and docs/timer.md) also clear TMICT",
		"modeswitch.out_of_deadline_clears_deadline": "Bochs 2.7 keeps the disarmed "
			"deadline, and IA32_TSC_DEADLINE reads it again once TSC-deadline mode is "
			"back (docs/platforms.md: it keeps reading old deadlines); the SDM disarms it",
		"tdcr.change_keeps_tmcct": BOCHS_TDCR,
		"tdcr.change_rescales_fire_time": BOCHS_TDCR,
	},
	"timer_periodic": {},
	"timer_advance": {},
	"apic_regs": {
		"esr.send_illegal_vector": "Bochs 2.7 flags a self-IPI with a vector below 16 as "
			"received (ESR bit 6) only, not as sent (bit 5, SDM 11.5.3)",
	},
	"apic_base": {
		"apic_base.disabled_to_x2apic_gp": BOCHS_NO_REENABLE,
		"apic_base.reenable_xapic": BOCHS_NO_REENABLE,
		"apic_base.reenable_reset_state": BOCHS_NO_REENABLE,
		"apic_base.reenabled_timer_fires": BOCHS_NO_REENABLE,
	},
}
BOCHS_X2APIC_DEVIATIONS = {
	"apic_regs": {
		"icr.readback": "Bochs 2.7 sends an IPI written to the x2APIC ICR without storing "
			"it: RDMSR 0x830 reads the ICR as it was before",
		"x2apic.self_ipi_reserved_gp": "Bochs 2.7 sends a SELF IPI write with bits 31:8 "
			"set instead of raising #GP (SDM 11.12.1.3, 11.12.11)",
	},
	# mode=x2apic goes xAPIC -> x2APIC again after the re-enable
	"apic_base": {"apic_base.xapic_to_x2apic": BOCHS_NO_REENABLE},
}

# QEMU 7.2 TCG (no x2APIC, no TSC-deadline): the same kind of map. timer_advance is not run there.
QEMU_DEVIATIONS = {
	"timer": {},
	"timer_modes": {
		"modeswitch.expired_oneshot_stays_stopped": "QEMU 7.2 restarts a one-shot "
			"count that already ran out when the LVT switches to periodic "
			"(docs/platforms.md); the SDM and KVM keep it at 0",
		"tdcr.change_keeps_tmcct": QEMU_TDCR,
		"tdcr.change_rescales_fire_time": QEMU_TDCR,
	},
	"timer_periodic": {},
	"apic_regs": {
		"svr.disable_masks_lvts": QEMU_SVR,
		"svr.lvt_write_stays_masked": QEMU_SVR,
		"svr.reenable_delivers": QEMU_SVR,
		"lvt.reserved_bits_read_zero": "QEMU 7.2 keeps every bit written to an LVT, "
			"reserved ones included (SDM 11.5.1 has them read 0)",
	},
	"apic_base": {
		"apic_base.reserved_bits_gp": "QEMU 7.2 TCG takes a write of IA32_APIC_BASE with "
			"reserved bits set instead of raising #GP (SDM 11.4.4)",
		"apic_base.disabled_x2apic_msrs_gp": "QEMU TCG reads 0 from and drops writes to "
			"the MSRs it lacks, x2APIC ones here, instead of raising #GP "
			"(docs/platforms.md)",
		"apic_base.reenable_xapic": QEMU_NO_REENABLE,
		"apic_base.reenable_reset_state": QEMU_NO_REENABLE,
		"apic_base.reenabled_timer_fires": QEMU_NO_REENABLE,
		"apic_base.relocated_id_version": QEMU_FIXED_BASE,
		"apic_base.old_base_open_bus": QEMU_FIXED_BASE,
		"apic_base.relocated_timer_fires": QEMU_FIXED_BASE,
		"apic_base.relocate_over_ram": QEMU_FIXED_BASE,
	},
}

KERNELS = {
	"timer": "the timer's three modes, TMCCT, mask, and the timer across HLT",
	"timer_modes": "mode switches while counting, a divisor change, the eight divisors",
	"timer_periodic": "1000 periods against the TSC, the minimum period, coalesced ticks",
	"timer_advance": "TSC-deadline lateness once the timer advance has settled",
	"apic_regs": "SVR disable, ESR, LVT reserved bits, x2APIC #GP rules, self-IPIs, "
		     "xAPIC instruction forms",
	"apic_base": "IA32_APIC_BASE: transitions, #GP, a relocated xAPIC, disable and re-enable",
	"apic_forms": "xAPIC accesses beyond a 32-bit MOV: byte lanes, XCHG, read-modify-write, "
		      "REP MOVS/STOS, a disabled APIC's memset, #UD for BT",
}


def elf(kernel):
	return "build/guest/%s.elf" % kernel


# Every guest run ends with status 1 whenever a check failed, a known deviation included; the
# summary check still refuses any failure not in the map.
def native_run(kernel, mode, cpu="corei7_skylake_x", short="", dev=None):
	if dev is None:
		dev = dict(BOCHS_DEVIATIONS[kernel])
		if mode == "x2apic":
			dev.update(BOCHS_X2APIC_DEVIATIONS.get(kernel, {}))
	name = "-".join(x for x in (kernel, "native", short, mode) if x)
	return test(name, bochs(cpu), native(elf(kernel), "env=native mode=" + mode),
		    guest_results=True, known_deviations=dev, exit_status=1 if dev else 0,
		    timeout=120, doc="%s.elf on Bochs' own LAPIC (%s %s), no hypervisor: %s" %
		    (kernel, cpu, mode, KERNELS[kernel]))


def qemu_run(kernel):
	dev = QEMU_DEVIATIONS[kernel]
	return test(kernel + "-qemu-xapic", qemu_tcg(), native(elf(kernel), "env=qemu mode=xapic"),
		    guest_results=True, known_deviations=dev, exit_status=1 if dev else 0,
		    timeout=120, doc="%s.elf natively on QEMU TCG, the second reference: %s" %
		    (kernel, KERNELS[kernel]))


def ran_guest():
	return [
		present("exit-stats", r"^tickvisor: exit statistics: \d+ exits"),
		absent("no-panic", r"^  stack trace:"),
	]


def tv_run(kernel, cpu, short, timer, mode, options="", args="", suffix=""):
	return test("%s-%s-%s-%s%s" % (kernel, short, timer, mode, suffix), bochs(cpu),
		    tickvisor(("timer=%s %s" % (timer, options)).strip(), elf(kernel),
			      ("env=tickvisor mode=%s %s" % (mode, args)).strip()),
		    ran_guest(), guest_results=True, exit_status=0, timeout=120,
		    doc="%s.elf under tickvisor%s: %s backend, %s guest, %s" %
		    (kernel, (" " + options) if options else "", timer, mode, cpu))


def matrix(kernel, **kw):
	return [tv_run(kernel, cpu, short, timer, mode, **kw)
		for cpu, short in CPUS for timer in ("hv", "sw") for mode in MODES]


TESTS = []
for k in ("timer", "timer_modes", "timer_periodic", "apic_regs", "apic_base"):
	TESTS += [native_run(k, m) for m in MODES] + [qemu_run(k)] + matrix(k)

# apic_forms: xAPIC only; natively on Bochs and under tickvisor on both CPUs (ivy_bridge: every
# access exits; skylake: APIC-register virtualization serves some of them).
TESTS += [native_run("apic_forms", "xapic", dev={})]
TESTS += [tv_run("apic_forms", cpu, short, timer, "xapic")
	  for cpu, short in CPUS for timer in ("hv", "sw")]

TESTS += [
	# No TSC-deadline on this CPU (those checks SKIP, and with them timer.elf's deviation),
	# and no x2APIC (all SKIP).
	native_run("timer", "xapic", "corei5_arrandale_m520", "arrandale", dev={}),
	test("timer-native-arrandale-x2apic", bochs("corei5_arrandale_m520"),
	     native(elf("timer"), "env=native mode=x2apic"),
	     [present("all-skipped", r"^SUMMARY: (\d+) tests, 0 failures, \1 skipped$")],
	     guest_results=True, exit_status=0, timeout=120,
	     doc="mode=x2apic on a CPU without x2APIC: every check SKIPs, nothing faults"),
	# A host LAPIC without TSC-deadline mode: the sw backend programs one-shot counts.
	tv_run("timer", "corei5_arrandale_m520", "arrandale", "sw", "xapic"),
	tv_run("timer", "corei5_arrandale_m520", "arrandale", "sw", "x2apic"),
]

# The timer advance: auto settles to a small lateness, off leaves the exit's whole cost, a fixed
# value is what the statistics report.
TESTS += [native_run("timer_advance", m) for m in MODES]
TESTS += matrix("timer_advance", options="timer_advance=auto", args="advance=auto")
TESTS += [tv_run("timer_advance", cpu, short, timer, "x2apic", options="timer_advance=off",
		 args="advance=off", suffix="-off")
	  for cpu, short in CPUS for timer in ("hv", "sw")]
TESTS += [tv_run("timer_advance", "corei7_skylake_x", "skylake", "hv", "xapic",
		 options="timer_advance=5000", args="advance=5000", suffix="-5000ns")]
