"""Boot tests: the vocabulary of the manifest (tests/boot/*.py) and how one boot test runs.

A boot test builds its own GRUB ISO (build/iso/<area>/<test>.iso), boots it on one platform
(Bochs with a CPU model, or QEMU), keeps COM1 in build/logs/<area>/<test>.serial (and the
emulator's own log beside it, .bochs or .qemu), and turns the serial log into checks:

    <area>/<test>/exit        the run ended through the exit device (no timeout, no crash), with
                              the expected status (read from "tickvisor: exit status N")
    <area>/<test>/<check>     one per present()/absent()/near()/count() of the manifest
    <area>/<test>/<guest>     with guest_results=True: one per PASS:/FAIL: line the guest printed
    <area>/<test>/summary     with guest_results=True: a SUMMARY: line, 0 unexpected failures

Only the Python standard library. tools/runtests.py drives it; the manifest format is described
at the top of tests/boot/foundation.py.
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HV_ELF = "build/tickvisor.elf"

_NAME_RE = re.compile(r"^[A-Za-z0-9_.+-]+$")
EXIT_LINE_RE = re.compile(r"^tickvisor: exit status (\d+)$", re.M)
# Bochs ends its log with the message it stopped on (the Shutdown port is a "panic" too).
BOCHS_EXIT_RE = re.compile(r"Bochs is exiting with the following message:\n\[[^\]]*\] (.*)")

# Guest output, kvm-unit-tests style. A trailing " (...)" is the detail, not part of the name.
GUEST_LINE_RE = re.compile(r"^(PASS|FAIL|SKIP): (.*?)(?: \((.*)\))?$", re.M)
SUMMARY_RE = re.compile(r"^SUMMARY: (\d+) tests?, (\d+) failures?(?:, (\d+) skipped)?", re.M)


class ManifestError(Exception):
	pass


def _check_name(kind, name):
	if not isinstance(name, str) or not _NAME_RE.match(name):
		raise ManifestError(f"{kind} name {name!r}: use letters, digits and _ . + - only")
	return name


# ---- files that go onto the ISO ------------------------------------------------------------

class Module:
	"""A file for /boot/ of the ISO and the string GRUB passes with it. `candidates` are the
	paths (relative to the repository) where it may be; the first that exists is used."""

	def __init__(self, candidates, string, hint=None):
		self.candidates = list(candidates)
		self.string = string
		self.hint = hint          # what makes the file, when it is missing

	def resolve(self):
		for c in self.candidates:
			if (ROOT / c).is_file():
				return c
		return None

	def missing(self):
		first = self.candidates[0]
		what = "guest not built" if first.startswith("build/guest/") else "missing file"
		alts = "".join(f" or {c}" for c in self.candidates[1:])
		hint = self.hint or ("run make" if first.startswith("build/") else "")
		return f"{what}: {first}{alts}" + (f" ({hint})" if hint else "")

	@property
	def basename(self):
		return os.path.basename(self.candidates[0])

	on_iso = True


class NotOnIso(Module):
	"""A file the grub.cfg names but the ISO lacks: GRUB's own error is the test."""

	def __init__(self, name, string):
		super().__init__([name], string)

	on_iso = False


def not_on_iso(name, string=""):
	"""A module line naming /boot/<name>, a file left off the ISO (GRUB's "file not found")."""
	return NotOnIso(name, string)


def fixture(name, string=None):
	"""A guest test fixture: build/guest/<name> if the guest build made it, else
	tests/guest/fixtures/<name>."""
	return Module([f"build/guest/{name}", f"tests/guest/fixtures/{name}"],
		      name if string is None else string)


def _as_module(x, string=""):
	return x if isinstance(x, Module) else Module([x], string)


def built(path, string="", hint=None):
	"""A file that a make target builds or fetches (e.g. build/linux/vmlinuz): `hint` says which,
	for the failure when it is missing."""
	return Module([path], string, hint)


# ---- what GRUB boots -------------------------------------------------------------------------

class Boot:
	def __init__(self, kind, kernel, cmdline, modules, multiboot2, linux=False):
		self.kind = kind                  # "tickvisor" or "native"
		self.kernel = kernel              # Module; its string is the kernel's command line
		self.cmdline = cmdline
		self.modules = modules            # list of Module
		self.multiboot2 = multiboot2
		self.linux = linux                # GRUB's linux + initrd commands, not multiboot

	def files(self):
		return [self.kernel] + self.modules

	def menuentry(self, title):
		if self.linux:
			mb, md = "linux", "initrd"
		elif self.multiboot2:
			mb, md = "multiboot2", "module2"
		else:
			mb, md = "multiboot", "module"
		lines = [f'menuentry "{title}" {{',
			 f"\t{mb} /boot/{self.kernel.basename} {self.cmdline}".rstrip()]
		for m in self.modules:
			lines.append(f"\t{md} /boot/{m.basename} {m.string}".rstrip())
		lines.append("}")
		return "\n".join(lines)

	def describe(self):
		if self.kind == "tickvisor":
			g = self.modules[0] if self.modules else None
			guest = f" + {g.basename} {g.string}".rstrip() if g else ""
			return f"tickvisor {self.cmdline}".rstrip() + guest
		return f"native {self.kernel.basename} {self.cmdline}".rstrip()


def tickvisor(options="", guest=None, args="", modules=(), elf=HV_ELF):
	"""tickvisor with boot options `options`; `guest` (a path or fixture()) becomes the first
	module2, its string `args` the guest's command line; `modules` follow it."""
	mods = []
	if guest is not None:
		g = _as_module(guest)
		mods.append(Module(g.candidates, args, g.hint))
	mods += [_as_module(m) for m in modules]
	return Boot("tickvisor", _as_module(elf), options, mods, True)


def native(kernel, args="", modules=(), multiboot2=False):
	"""A guest kernel booted by GRUB directly (multiboot, or multiboot2 with multiboot2=True):
	the emulator's own LAPIC is the reference."""
	return Boot("native", _as_module(kernel), args, [_as_module(m) for m in modules], multiboot2)


def native_linux(kernel, args="", initrd=None):
	"""A Linux bzImage booted by GRUB directly with its `linux` and `initrd` commands (the Linux
	boot protocol, Documentation/arch/x86/boot.rst): the reference for Linux under tickvisor."""
	mods = [] if initrd is None else [_as_module(initrd)]
	return Boot("native", _as_module(kernel), args, mods, False, linux=True)


# ---- where it runs ---------------------------------------------------------------------------

class Platform:
	kind = "?"

	def unavailable(self):
		"""None, or why this machine can't run the platform (the test is then skipped)."""
		return None

	def missing_tool(self):
		return None


class Bochs(Platform):
	kind = "bochs"

	def __init__(self, cpu, ips, memory, ignore_bad_msrs):
		self.cpu, self.ips, self.memory = cpu, ips, memory
		self.ignore_bad_msrs = ignore_bad_msrs

	def describe(self):
		bad = " ignore_bad_msrs=1" if self.ignore_bad_msrs else ""
		return f"bochs {self.cpu} ips={self.ips}{bad}"

	def missing_tool(self):
		return None if shutil.which("bochs") else "bochs is not installed (tools/deps)"

	def command(self, iso, serial, log, timeout):
		return [str(ROOT / "tools/bochs-run"), "--iso", iso, "--cpu", self.cpu,
			"--ips", str(self.ips), "--memory", str(self.memory), "--serial", serial,
			"--log", log, "--timeout", str(timeout)] + \
			(["--ignore-bad-msrs"] if self.ignore_bad_msrs else []), None


class Qemu(Platform):
	def __init__(self, accel, memory):
		self.accel, self.memory = accel, memory
		self.kind = f"qemu-{accel}"

	def describe(self):
		return self.kind

	def missing_tool(self):
		if shutil.which("qemu-system-x86_64"):
			return None
		return "qemu-system-x86_64 is not installed (tools/deps)"

	def unavailable(self):
		if self.accel == "kvm" and not nested_vmx_available():
			return "no /dev/kvm with VT-x on this machine"
		return None

	def command(self, iso, serial, log, timeout):
		return [str(ROOT / "tools/qemu-run"), "--iso", iso, "--accel", self.accel,
			"--memory", str(self.memory), "--serial", serial,
			"--timeout", str(timeout)], log


def nested_vmx_available():
	try:
		with open("/proc/cpuinfo") as f:
			vmx = re.search(r"^flags\s*:.*\bvmx\b", f.read(), re.M) is not None
	except OSError:
		return False
	return vmx and os.access("/dev/kvm", os.W_OK)


def bochs(cpu="corei7_skylake_x", ips=50_000_000, memory=128, ignore_bad_msrs=False):
	"""Bochs 2.7 with emulated VT-x; `ips` is also the TSC and LAPIC rate (docs/platforms.md).
	ignore_bad_msrs=True: an unknown MSR reads 0 instead of raising #GP; only for a native
	reference that needs it (a stock Linux reads IA32_MISC_ENABLE, which Bochs lacks)."""
	return Bochs(cpu, ips, memory, ignore_bad_msrs)


def qemu_tcg(memory=256):
	"""QEMU TCG: no VT-x, no x2APIC, no TSC-deadline."""
	return Qemu("tcg", memory)


def qemu_kvm(memory=256):
	"""QEMU with KVM and nested VT-x; the test is skipped where there is none."""
	return Qemu("kvm", memory)


# ---- checks on the serial log ----------------------------------------------------------------

class Check:
	def __init__(self, name, pattern):
		self.name = _check_name("check", name)
		try:
			self.regex = re.compile(pattern, re.M)
		except re.error as e:
			raise ManifestError(f"check {name}: bad regex {pattern!r}: {e}") from None

	def evaluate(self, log):
		"""(ok, why): why says what was wrong when not ok."""
		raise NotImplementedError


class Present(Check):
	def evaluate(self, log):
		if self.regex.search(log):
			return True, ""
		return False, f"no line matches /{self.regex.pattern}/"


class Absent(Check):
	def evaluate(self, log):
		m = self.regex.search(log)
		if not m:
			return True, ""
		return False, f"found {_line_at(log, m.start())!r}"


class Near(Check):
	def __init__(self, name, pattern, value, rel, abs_tol):
		super().__init__(name, pattern)
		want = 1 if value is not None else 2
		if self.regex.groups != want:
			raise ManifestError(f"check {name}: the regex needs {want} group(s) "
					    f"({'got' if want == 1 else 'got, expected'})")
		self.value, self.rel, self.abs_tol = value, rel, abs_tol

	def evaluate(self, log):
		m = self.regex.search(log)
		if not m:
			return False, f"no line matches /{self.regex.pattern}/"
		try:
			got = float(m.group(1))
			want = float(self.value if self.value is not None else m.group(2))
		except ValueError:
			return False, f"not a number in {m.group(0)!r}"
		tol = self.abs_tol if self.abs_tol is not None else abs(want) * self.rel
		off = got - want
		if abs(off) <= tol:
			return True, ""
		rel = f" ({100.0 * off / want:+.3f}%)" if want else ""
		bound = f"{self.abs_tol:g}" if self.abs_tol is not None else f"{100.0 * self.rel:g}%"
		return False, f"got {_num(got)}, expected {_num(want)} ± {bound}{rel}"


class Count(Check):
	def __init__(self, name, pattern, lo, hi):
		super().__init__(name, pattern)
		self.lo, self.hi = lo, hi

	def evaluate(self, log):
		n = len(self.regex.findall(log))
		if n >= self.lo and (self.hi is None or n <= self.hi):
			return True, ""
		rng = f"at least {self.lo}" if self.hi is None else f"{self.lo}..{self.hi}"
		return False, f"{n} lines match /{self.regex.pattern}/, expected {rng}"


def present(name, pattern):
	"""A line matching `pattern` (Python regex, multiline: ^ and $ are line ends) appears."""
	return Present(name, pattern)


def absent(name, pattern):
	"""No line matches `pattern`."""
	return Absent(name, pattern)


def near(name, pattern, value=None, rel=0.01, abs=None):
	"""The number in group 1 of the first match is within `rel` (fraction) or `abs` of
	`value`; without `value`, of the number in group 2 (e.g. "got N, expected M")."""
	return Near(name, pattern, value, rel, abs)


def count(name, pattern, min=1, max=None):
	"""Between min and max (None: no bound) matches of `pattern`."""
	return Count(name, pattern, min, max)


def _num(x):
	return str(int(x)) if x == int(x) else f"{x:g}"


def _line_at(log, pos):
	start = log.rfind("\n", 0, pos) + 1
	end = log.find("\n", pos)
	return log[start:end if end >= 0 else len(log)]


# ---- a test ----------------------------------------------------------------------------------

ANY = None
# The guest's own verdict: the status must be the failure count of its last SUMMARY: line (a
# guest that exits with its number of failures, as the Linux guest's /init does).
FAILURES = "the SUMMARY's failure count"


class BootTest:
	def __init__(self, name, platform, boot, checks=(), exit_status=0, timeout=60,
		     guest_results=False, known_deviations=None, pending=None, doc=""):
		self.name = _check_name("test", name)
		if not isinstance(platform, Platform):
			raise ManifestError(f"test {name}: platform must be bochs(), qemu_tcg() ...")
		if not isinstance(boot, Boot):
			raise ManifestError(f"test {name}: boot must be tickvisor() or native()")
		self.platform, self.boot = platform, boot
		self.checks = list(checks)
		seen = {"exit", "summary"}
		for c in self.checks:
			if not isinstance(c, Check):
				raise ManifestError(f"test {name}: {c!r} is not a check")
			if c.name in seen:
				raise ManifestError(f"test {name}: check name {c.name} used twice")
			seen.add(c.name)
		self.exit_status = exit_status
		self.timeout = timeout
		self.guest_results = guest_results
		self.known_deviations = dict(known_deviations or {})
		# The emulator's LAPIC is the reference only natively: under tickvisor every guest
		# check must pass, a deviation there is a tickvisor bug (docs/architecture.md).
		if self.known_deviations and (boot.kind != "native" or not guest_results):
			raise ManifestError(f"test {name}: known_deviations are for native runs with "
					    "guest_results=True only")
		# Guest checks that wait for work still to land, each with the issue that brings it:
		# reported XFAIL while they fail, and noted when they start to pass.
		self.pending = dict(pending or {})
		if self.pending and not guest_results:
			raise ManifestError(f"test {name}: pending is for guest_results=True only")
		if exit_status is FAILURES and not guest_results:
			raise ManifestError(f"test {name}: exit_status=FAILURES needs guest_results=True")
		self.doc = doc
		self.area = None          # set by the loader: the manifest file's name
		names = [m.basename for m in boot.files()]
		dup = {n for n in names if names.count(n) > 1}
		if dup:
			raise ManifestError(f"test {name}: two files named {sorted(dup)} in /boot/")

	@property
	def full_name(self):
		return f"{self.area}/{self.name}"

	def describe(self):
		return f"{self.platform.describe()}: {self.boot.describe()}"


def test(name, platform, boot, checks=(), exit_status=0, timeout=60, guest_results=False,
	 known_deviations=None, pending=None, doc=""):
	"""One boot: see the top of tests/boot/foundation.py."""
	return BootTest(name, platform, boot, checks, exit_status, timeout, guest_results,
			known_deviations, pending, doc)


# ---- running one test ------------------------------------------------------------------------

class Result:
	"""One reported line: status is PASS, FAIL, XFAIL or SKIP; counted as passed: PASS, XFAIL."""

	def __init__(self, status, name, detail=""):
		self.status, self.name, self.detail = status, name, detail
		self.died = False       # an <area>/<test>/exit failure: the run did not end properly

	def line(self):
		return f"{self.status}: {self.name}" + (f" ({self.detail})" if self.detail else "")


# GRUB's own output goes to COM1 as well as the screen: its errors (a module path that is wrong:
# "error: file `/boot/x' not found.") then land in the serial log, where the checks look. GRUB
# prints a line of its own there first ("Booting `<test>'", after terminal escapes): the checks
# match whole lines anywhere in the log, never its first line.
GRUB_SERIAL = "serial --unit=0 --speed=115200\nterminal_output serial console\n"
# When the test's entry fails, GRUB prints the error and boots the fallback, which ends the run
# through the exit ports (iorw's outl/outb) with status 1 at once, instead of GRUB waiting for a
# key until the timeout: QEMU's isa-debug-exit, then Bochs' "Shutdown" port.
GRUB_FALLBACK = """menuentry "GRUB could not boot the test: end the run" {
	echo "GRUB: the boot entry failed (the error is above): ending the run"
	outl 0xf4 1
""" + "".join(f"\toutb 0x8900 {ord(c):#x}\n" for c in "Shutdown") + "}\n"


def write_grub_cfg(path, t):
	with open(path, "w") as f:
		f.write("# generated by tools/runtests.py for " + t.full_name + "\n")
		f.write(GRUB_SERIAL)
		f.write("set timeout=0\nset default=0\nset fallback=1\n")
		f.write(t.boot.menuentry(t.full_name) + "\n")
		f.write(GRUB_FALLBACK)


def run(t):
	"""Runs boot test t; returns (results, serial log path or None, seconds)."""
	start = time.monotonic()
	res = []
	name = t.full_name

	why = t.platform.unavailable()
	if why:
		return [Result("SKIP", name, why)], None, 0.0
	files = []
	for m in t.boot.files():
		if not m.on_iso:
			continue
		p = m.resolve()
		if p is None:
			return [Result("FAIL", name, m.missing())], None, 0.0
		files.append(str(ROOT / p))
	why = t.platform.missing_tool()
	if why:
		return [Result("FAIL", name, why)], None, 0.0

	iso_dir, log_dir = ROOT / "build/iso" / t.area, ROOT / "build/logs" / t.area
	iso_dir.mkdir(parents=True, exist_ok=True)
	log_dir.mkdir(parents=True, exist_ok=True)
	cfg, iso = iso_dir / f"{t.name}.cfg", iso_dir / f"{t.name}.iso"
	serial = log_dir / f"{t.name}.serial"
	emu_log = log_dir / f"{t.name}.{t.platform.kind.split('-')[0]}"
	rel_serial = os.path.relpath(serial, ROOT)
	for stale in (serial, emu_log):
		stale.unlink(missing_ok=True)

	write_grub_cfg(cfg, t)
	p = subprocess.run([str(ROOT / "tools/mkiso"), str(iso), str(cfg)] + files,
			   stdin=subprocess.DEVNULL, capture_output=True, text=True)
	if p.returncode != 0:
		return [Result("FAIL", name, "tools/mkiso failed: " +
			       (p.stderr.strip().splitlines() or ["?"])[-1])], None, 0.0

	argv, out_log = t.platform.command(str(iso), str(serial), str(emu_log), t.timeout)
	try:
		with open(out_log or os.devnull, "w") as out:
			# The scripts kill the emulator at t.timeout; this is only a backstop.
			rc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out,
					    stderr=subprocess.STDOUT, timeout=t.timeout + 60).returncode
	except subprocess.TimeoutExpired:
		rc = RC_TIMEOUT
	secs = time.monotonic() - start

	try:
		log = serial.read_bytes().decode("utf-8", "replace").replace("\r", "")
	except OSError:
		log = ""
	emu_text = ""
	if t.platform.kind == "bochs":
		try:
			emu_text = emu_log.read_text("utf-8", "replace")
		except OSError:
			pass

	ok, why = judge_exit(t, rc, log, emu_text)
	exit_res = _result(ok, f"{name}/exit", why, rel_serial)
	# The run died (timeout, emulator crash, no exit status) rather than ended with the wrong
	# status: the runner then counts the checks that only failed for want of output once.
	exit_res.died = not ok and not why.startswith("exit status ")
	res.append(exit_res)
	for c in t.checks:
		ok, why = c.evaluate(log)
		res.append(_result(ok, f"{name}/{c.name}", why, rel_serial))
	if t.guest_results:
		res += guest_results(t, log, rel_serial)
	return res, rel_serial, secs


def _result(ok, name, why, log_path):
	return Result("PASS", name) if ok else Result("FAIL", name, f"{why}, log {log_path}")


# tools/bochs-run's and tools/qemu-run's statuses (tools/exit-status.sh, README "Exit status")
RC_GUEST_MAX = 63       # 0..63: the guest's code
RC_USAGE = 64
RC_GUEST_BIG = 65       # the guest's code was above 63
RC_TICKVISOR_ERROR = 70
RC_NO_EXIT = 71         # the emulator stopped without an exit device
RC_TIMEOUT = 124


def judge_exit(t, rc, log, emu_text):
	"""Did the run end through the exit device, with the expected status? rc is the runner's
	mapped status; the status compared with t.exit_status is the N of the last "tickvisor: exit
	status N" line, else the runner's (natively on Bochs only 0 or "nonzero")."""
	lines = [l for l in log.splitlines() if l.strip()]
	last = f"; last line {lines[-1][:100]!r}" if lines else "; no serial output"
	if rc in (RC_TIMEOUT, 137):
		return False, f"timed out: killed after {t.timeout} s{last}"
	m = None
	for m in EXIT_LINE_RE.finditer(log):
		pass
	line_status = int(m.group(1)) if m else None
	guest_line = re.search(r"^tickvisor: guest exited .* with code \d+$", log, re.M)

	if rc == RC_NO_EXIT:
		if t.platform.kind == "bochs":
			bm = BOCHS_EXIT_RE.search(emu_text)
			msg = bm.group(1).strip() if bm else "no message"
			return False, f"Bochs stopped without an exit port: {msg}{last}"
		return False, ("QEMU stopped without the exit port: the machine reset or shut down "
			       f"(triple fault?){last}")
	if line_status is not None:
		# the status line and the runner's status must tell the same story
		if line_status and not guest_line:
			want = RC_TICKVISOR_ERROR
		else:
			want = line_status if line_status <= RC_GUEST_MAX else RC_GUEST_BIG
		if rc != want:
			return False, (f"status line says {line_status}"
				       f"{'' if guest_line else ' (a tickvisor error)'}, so the runner "
				       f"should exit {want}, but it exited {rc}")
		status = line_status
	elif 0 <= rc <= RC_GUEST_MAX or rc == RC_GUEST_BIG:
		# natively on Bochs the exit ports can only say 0 or "not 0"
		status = "nonzero" if t.platform.kind == "bochs" and rc != 0 else rc
	else:
		return False, f"the runner exited {rc}{last}"

	if line_status is None and t.boot.kind == "tickvisor":
		return False, f"no 'tickvisor: exit status N' line (runner exit {rc}){last}"
	want = t.exit_status
	if want is ANY:
		return True, ""
	if want is FAILURES:
		sm = None
		for sm in SUMMARY_RE.finditer(log):
			pass
		if sm is None:
			return False, f"exit status {status}, and no SUMMARY: line to compare it with{last}"
		want = int(sm.group(2))
	if status == want or (status == "nonzero" and want != 0):
		return True, ""
	what = f"{want} (the SUMMARY's failures)" if t.exit_status is FAILURES else want
	return False, f"exit status {status}, expected {what}{last}"


def guest_results(t, log, log_path):
	"""Every PASS:/FAIL: line is a check; SKIP: lines are reported; then the SUMMARY."""
	res = []
	seen = {}
	fails = xfails = passes = skips = 0
	for m in GUEST_LINE_RE.finditer(log):
		kind, gname, detail = m.group(1), m.group(2).strip(), m.group(3) or ""
		n = seen[gname] = seen.get(gname, 0) + 1
		full = f"{t.full_name}/{gname}" + (f" #{n}" if n > 1 else "")
		dev = t.known_deviations.get(gname)
		pend = t.pending.get(gname)
		if kind == "PASS":
			passes += 1
			note = f"listed as a known deviation that did not show: {dev}" if dev else ""
			if pend:
				note = f"listed as pending ({pend}) and passes now: take it off the list"
			res.append(Result("PASS", full, note))
		elif kind == "SKIP":
			skips += 1
			res.append(Result("SKIP", full, detail))
		elif dev or pend:
			xfails += 1
			why = f"known emulator deviation: {dev}" if dev else f"pending: {pend}"
			res.append(Result("XFAIL", full, why + (f"; guest said: {detail}" if detail else "")))
		else:
			fails += 1
			res.append(Result("FAIL", full, (detail + ", " if detail else "") + f"log {log_path}"))

	sm = None
	for sm in SUMMARY_RE.finditer(log):
		pass
	name = f"{t.full_name}/summary"
	if sm is None:
		res.append(Result("FAIL", name, f"no SUMMARY: line, log {log_path}"))
		return res
	n, m = int(sm.group(1)), int(sm.group(2))
	seen_total = passes + fails + xfails
	if n == 0:
		why = "the guest ran no tests"
	elif m != fails + xfails:
		why = f"SUMMARY says {m} failures, the log has {fails + xfails} FAIL: lines"
	elif n not in (seen_total, seen_total + skips):
		why = (f"SUMMARY says {n} tests, the log has {passes} PASS:, {fails + xfails} FAIL:, "
		       f"{skips} SKIP: lines (output lost?)")
	elif fails:
		why = f"{fails} unexpected failure(s)"
	else:
		why = ""
	res.append(Result("PASS", name) if not why else Result("FAIL", name, f"{why}, log {log_path}"))
	return res


def load_manifests(directory):
	"""[(area, [BootTest]) or (area, ManifestError)] for every tests/boot/<area>.py."""
	import importlib.util
	import sys

	tools = str(ROOT / "tools")
	if tools not in sys.path:
		sys.path.insert(0, tools)
	out = []
	for path in sorted(Path(directory).glob("*.py")):
		area = path.stem
		if area.startswith("_"):
			continue
		try:
			spec = importlib.util.spec_from_file_location(f"tvboot_{area}", path)
			mod_ = importlib.util.module_from_spec(spec)
			spec.loader.exec_module(mod_)
			tests = getattr(mod_, "TESTS", None)
			if not isinstance(tests, (list, tuple)):
				raise ManifestError("defines no TESTS list")
			names = set()
			for t in tests:
				if not isinstance(t, BootTest):
					raise ManifestError(f"{t!r} in TESTS is not a test(...)")
				if t.name in names:
					raise ManifestError(f"two tests named {t.name}")
				names.add(t.name)
				t.area = area
			out.append((area, list(tests)))
		except Exception as e:  # a broken manifest fails, the others still run
			out.append((area, e if isinstance(e, ManifestError) else
				    ManifestError(f"{type(e).__name__}: {e}")))
	return out
