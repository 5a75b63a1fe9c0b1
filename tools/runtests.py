#!/usr/bin/env python3
"""Runs every tickvisor test, prints each as it ends, then `N passed, M failed`.

    tools/runtests.py [-k PATTERN]... [-j N] [-v] [--list]

`make test` builds everything first; this builds nothing. It runs
  - every host unit-test binary build/unit/test_* (cmocka): each test is a check
    unit/<binary>/<test>, and a binary that exits non-zero after its tests (a sanitizer
    report, a crash) fails unit/<binary>/exit; output in build/logs/unit/<binary>.log;
  - every boot test of the manifest tests/boot/*.py (see tools/boottest.py), in parallel, each
    with its own ISO in build/iso/<area>/ and logs in build/logs/<area>/<test>.serial (.bochs,
    .qemu).
  - the tool checks (TOOL_CHECKS below: a tool run under a pseudo-terminal).
Unit tests run first. Each test is printed as it ends, `[k/N] name: 41 passed[, 1 failed, ...]`,
followed by its checks that did not pass (with -v, all of them): `FAIL: name (why, log)`,
`XFAIL: name (known emulator deviation, or a check pending on work to come)` (counted as
passed), `SKIP: name (reason)` (not counted), `NOT COUNTED: name (why; follows from <check>)`: a failure that only follows from
another one, counted once as that one (mark_dependent() says when). The last line is
`N passed, M failed`; the exit status is 1 when M > 0.

-k PATTERN selects tests by name (unit/<binary> or <area>/<test>): a substring, or a shell
pattern when it has * ? or [; repeat -k for several. -v prints every check and the log of every
failed test.
"""

import argparse
import fnmatch
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

sys.dont_write_bytecode = True     # no tools/__pycache__ in the tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import boottest  # noqa: E402
from boottest import ROOT, Result  # noqa: E402

UNIT_DIR = ROOT / "build/unit"
UNIT_TIMEOUT = 120

# cmocka's default (stdout) output format
CM_RUN = re.compile(r"^\[ RUN      \] (.+)$")
CM_OK = re.compile(r"^\[       OK \] (.+)$")
CM_FAILED = re.compile(r"^\[  FAILED  \] (.+)$")
CM_SKIPPED = re.compile(r"^\[  SKIPPED \] (.+)$")
CM_ERROR = re.compile(r"^\[  ERROR   \] (.+)$")
CM_BEGIN = re.compile(r"^\[==========\] Running ")
CM_END = re.compile(r"^\[==========\] \d+ test\(s\) run\.")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Job:
	"""One unit binary or one boot test: a name to select on and a run() giving Results."""

	def __init__(self, name, describe, runner, timeout=0):
		self.name, self.describe, self.runner = name, describe, runner
		self.timeout = timeout    # a boot test's limit: the longest ones start first
		self.results, self.log, self.secs = None, None, 0.0

	def run(self):
		try:
			self.results, self.log, self.secs = self.runner()
		except Exception as e:  # a runner bug must not hide the other results
			self.results = [Result("FAIL", self.name, f"runner error: {type(e).__name__}: {e}")]


# ---- unit tests ------------------------------------------------------------------------------

def run_pty(argv, timeout, env):
	"""Runs argv with stdout and stderr on one pseudo-terminal, so that cmocka's stdout is
	line-buffered and stays in order with its stderr (assertion messages, sanitizers)."""
	try:
		master, slave = pty.openpty()
	except OSError:         # no /dev/pts here: a pipe will do, stderr may come out of order
		try:
			p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
					   stderr=subprocess.STDOUT, env=env, cwd=ROOT, timeout=timeout)
		except subprocess.TimeoutExpired as e:
			return -9, (e.output or b"").decode("utf-8", "replace"), True
		return p.returncode, p.stdout.decode("utf-8", "replace"), False
	try:
		p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
				     env=env, cwd=ROOT)
	finally:
		os.close(slave)
	chunks, timed_out = [], False
	deadline = time.monotonic() + timeout
	while True:
		left = deadline - time.monotonic()
		if left <= 0:
			timed_out = True
			p.kill()
			break
		r, _, _ = select.select([master], [], [], min(left, 1.0))
		if not r:
			continue
		try:
			data = os.read(master, 65536)
		except OSError:        # EIO: the child closed its side
			break
		if not data:
			break
		chunks.append(data)
	rc = p.wait()
	os.close(master)
	return rc, b"".join(chunks).decode("utf-8", "replace").replace("\r", ""), timed_out


def parse_cmocka(out):
	"""([(test, ok, detail)], test that never finished or None, its detail, text after the run).
	ok is None for a skipped test; detail is built from what was printed while it ran."""
	tests, current, body, in_run, after = [], None, [], False, []
	for line in out.splitlines():
		if CM_BEGIN.match(line):
			in_run = True
			continue
		if CM_END.match(line):
			in_run = False      # the summary repeats the failed names: not new results
			after = []
			continue
		if not in_run:
			after.append(line)
			continue
		m = CM_RUN.match(line)
		if m:
			current, body = m.group(1).strip(), []
			continue
		m = CM_ERROR.match(line)
		if m and current is None:     # outside a test: a group setup or teardown failed
			tests.append(("setup", False, m.group(1).strip(" -")))
			continue
		for regex, ok in ((CM_OK, True), (CM_FAILED, False), (CM_SKIPPED, None)):
			m = regex.match(line)
			if m:
				tests.append((m.group(1).strip(), ok, _detail(body)))
				current, body = None, []
				break
		else:
			if current is not None:
				body.append(line)
	return tests, current, _detail(body), "\n".join(after)


def _detail(lines):
	"""A failure in a few words: cmocka's message and file:line, else the last line printed."""
	msgs, where = [], ""
	for l in lines:
		m = re.match(r"^\[  ERROR   \] --- (.*)$", l)
		if m:
			msgs.append(m.group(1).strip())
			continue
		m = re.match(r"^\[   LINE   \] --- (\S+:\d+):", l)
		if m:
			where = where or m.group(1)
			continue
		if re.search(r"runtime error:|Sanitizer", l):
			msgs.append(l.strip())
	if not msgs:
		rest = [l.strip() for l in lines if l.strip()]
		msgs = rest[-1:]
	text = "; ".join(msgs)[:200]
	return f"{text} at {where}" if where else text


def unit_runner(binary):
	suite = binary.name[len("test_"):] if binary.name.startswith("test_") else binary.name
	prefix = f"unit/{suite}"

	def runner():
		start = time.monotonic()
		log_dir = ROOT / "build/logs/unit"
		log_dir.mkdir(parents=True, exist_ok=True)
		log = log_dir / f"{binary.name}.log"
		rel = os.path.relpath(log, ROOT)
		env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="stdout")
		rc, out, timed_out = run_pty([str(binary)], UNIT_TIMEOUT, env)
		out = ANSI.sub("", out)
		log.write_text(out)
		tests, crashed, crash_detail, after = parse_cmocka(out)
		res, seen = [], {}
		for name, ok, detail in tests:
			n = seen[name] = seen.get(name, 0) + 1
			full = f"{prefix}/{name}" + (f" #{n}" if n > 1 else "")
			if ok is None:
				res.append(Result("SKIP", full, detail or "skipped"))
			elif ok:
				res.append(Result("PASS", full))
			else:
				res.append(Result("FAIL", full, (detail + ", " if detail else "") + f"log {rel}"))
		sanitizer = re.search(r"^(?:==\d+==)?ERROR: (\w*Sanitizer: [^\n]*)", after, re.M)
		if crashed:
			why = f"timed out after {UNIT_TIMEOUT} s" if timed_out else _exit_words(rc)
			extra = f": {crash_detail}" if crash_detail else ""
			res.append(Result("FAIL", f"{prefix}/{crashed}", f"{why}{extra}, log {rel}"))
		elif timed_out:
			res.append(Result("FAIL", f"{prefix}/exit", f"timed out after {UNIT_TIMEOUT} s, "
					  f"log {rel}"))
		elif not tests:
			res.append(Result("FAIL", f"{prefix}/exit", f"no cmocka results ({_exit_words(rc)}), "
					  f"log {rel}"))
		elif sanitizer:
			# e.g. LeakSanitizer, which reports when the program exits, after every test
			res.append(Result("FAIL", f"{prefix}/exit", f"{sanitizer.group(1).strip()}, "
					  f"log {rel}"))
		elif rc != 0 and all(r.status != "FAIL" for r in res):
			# cmocka exits with the number of failed tests: non-zero with none failed is odd
			res.append(Result("FAIL", f"{prefix}/exit", f"{_exit_words(rc)} after its tests "
					  f"passed, log {rel}"))
		return res, rel, time.monotonic() - start

	return Job(prefix, str(binary.relative_to(ROOT)), runner)


def _exit_words(rc):
	if rc < 0:
		try:
			return f"killed by {signal.Signals(-rc).name}"
		except ValueError:
			return f"killed by signal {-rc}"
	return f"exit status {rc}"


def unit_binaries():
	if not UNIT_DIR.is_dir():
		return []
	return sorted(p for p in UNIT_DIR.iterdir()
		      if p.name.startswith("test_") and p.is_file() and os.access(p, os.X_OK))


# ---- tool checks: a tool run as a user runs it, from a terminal ------------------------------

# `make bench` once hung for ever from a terminal (gnuplot read it); each check here runs a command
# under script(1), so that its stdin, stdout and stderr are a pseudo-terminal that stays open, and
# passes when it exits 0 by itself in time. tools/bench's smallest run: one configuration, short.
# make run KERNEL=: any kernel in one command (tools/tv-run); tv-run's status is the guest's
# (hello ends with 3), make's is 2 with the guest's status in its "Error 3"; the guest's output
# and tickvisor's options (TV=, MEM= as guest_mem=) are on the console.
TV_RUN_OUT = "build/logs/tools/tv-run-hello.out"
TV_RUN_HELLO = (
	"tools/tv-run -t timer=hv build/guest/hello.elf >/dev/null 2>&1; test $? = 3 || exit 1; "
	f"make -s run KERNEL=build/guest/hello.elf TV=timer=sw MEM=32M >{TV_RUN_OUT} 2>&1; s=$?; "
	f"cat {TV_RUN_OUT}; test $s = 2 && grep -q 'run] Error 3$' {TV_RUN_OUT} && "
	f"grep -q '^hello from a plain multiboot guest' {TV_RUN_OUT} && "
	f"grep -q '^tickvisor: options: timer=sw .*guest_mem=32M' {TV_RUN_OUT}")
# A bzImage's initrd is the first module after it, its command line the kernel's module string.
TV_RUN_LINUX = (
	"tools/tv-run --dry-run -M 256M -a 'console=ttyS0 tvshell' -i build/guest/module1.bin "
	"-m build/guest/module2.bin build/guest/hello.elf | tr '\\n' '|' | grep -q "
	"'multiboot2 /boot/tickvisor.elf guest_mem=256M|	module2 /boot/hello.elf console=ttyS0 "
	"tvshell|	module2 /boot/module1.bin|	module2 /boot/module2.bin|}'")
# tools/exit-trace-report's table of a trace=8 run of the exit_trace guest: its CPUIDs and
# VMCALLs, 8 exits in all, each reason's share adding up; a log without a trace is status 1.
TRACE_OUT = "build/logs/tools/exit-trace-report.out"
TRACE_REPORT = (
	f"tools/tv-run -t trace=8 -a n=8 build/guest/exit_trace.elf >{TRACE_OUT} 2>&1 || exit 1; "
	f"tools/exit-trace-report {TRACE_OUT} | tee {TRACE_OUT}.table | grep -Eq "
	"'^10 CPUID +[1-7] +[0-9.]+% +[0-9.]+% +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]*$' && "
	f"grep -Eq '^18 VMCALL +[1-7] ' {TRACE_OUT}.table && "
	f"grep -Eq '^total +8 +100.00% +100.00% +[1-9][0-9]*$' {TRACE_OUT}.table && "
	"{ echo no trace here | tools/exit-trace-report 2>/dev/null; test $? = 1; }")

TOOL_CHECKS = [
	("tools/bench-pty", "tools/bench --quick --config native --output build/bench-pty", 240),
	("tools/tv-run-hello", TV_RUN_HELLO, 120),
	("tools/tv-run-modules", TV_RUN_LINUX, 30),
	("tools/exit-trace-report", TRACE_REPORT, 120),
]


def tool_runner(name, command, timeout):
	def runner():
		start = time.monotonic()
		log_dir = ROOT / "build/logs/tools"
		log_dir.mkdir(parents=True, exist_ok=True)
		log = log_dir / f"{name.split('/', 1)[1]}.log"
		rel = os.path.relpath(log, ROOT)
		# script -e: its status is the command's; stdin a pipe this keeps open, as a terminal is
		p = subprocess.Popen(["script", "-qec", command, "/dev/null"], stdin=subprocess.PIPE,
				     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT,
				     start_new_session=True)
		# not communicate(): it would close stdin at once, and script passes that EOF on
		chunks = []
		reader = threading.Thread(target=lambda: chunks.extend(iter(
			lambda: p.stdout.read1(65536), b"")))
		reader.start()
		try:
			p.wait(timeout=timeout)
			why = "" if p.returncode == 0 else _exit_words(p.returncode)
		except subprocess.TimeoutExpired:
			os.killpg(p.pid, signal.SIGKILL)
			p.wait()
			why = f"still running after {timeout} s under a terminal (waiting for input?)"
		p.stdin.close()
		reader.join()
		out = b"".join(chunks)
		log.write_text(ANSI.sub("", out.decode("utf-8", "replace").replace("\r", "")))
		res = [Result("PASS", name) if not why else
		       Result("FAIL", name, f"{command}: {why}, log {rel}")]
		return res, rel, time.monotonic() - start

	return Job(name, f"{command} (under a pseudo-terminal)", runner)


# ---- one root cause, counted once -----------------------------------------------------------

DEPENDENT = "NOT COUNTED"


def mark_dependent(results, t):
	"""A boot test's failures that only follow from another one become NOT COUNTED, naming it:
	when the guest failed a check (its FAIL: line counts), the failed summary and the exit status
	it caused; when the run died (timeout, emulator crash, no exit status: <test>/exit counts),
	the present/near/count checks and the summary, which had no output to find."""
	if t is None or not results:
		return results
	exit_name, summary_name = f"{t.full_name}/exit", f"{t.full_name}/summary"
	wants_output = {f"{t.full_name}/{c.name}" for c in t.checks
			if not isinstance(c, boottest.Absent)}
	by_name = {r.name: r for r in results}
	ex = by_name.get(exit_name)
	guest_fails = [r for r in results if r.status == "FAIL" and r.name not in
		       {exit_name, summary_name} and r.name[len(t.full_name) + 1:] not in
		       {c.name for c in t.checks}]
	summary = by_name.get(summary_name)
	if ex is not None and ex.died:
		root, deps = ex, set(wants_output)
		if summary is not None and summary.detail.startswith("no SUMMARY"):
			deps.add(summary_name)
	elif guest_fails:
		root, deps = guest_fails[0], {exit_name}
		if summary is not None and "unexpected failure" in summary.detail:
			deps.add(summary_name)
	else:
		return results
	cause = root.name
	if root is not ex and len(guest_fails) > 1:
		cause = f"the guest's {len(guest_fails)} failed checks, first {root.name}"
	out = []
	for r in results:
		if r is not root and r.status == "FAIL" and r.name in deps:
			r = Result(DEPENDENT, r.name, f"{r.detail}; follows from {cause}")
		out.append(r)
	return out


# ---- selection and output --------------------------------------------------------------------

def selected(name, patterns):
	if not patterns:
		return True
	for p in patterns:
		if any(c in p for c in "*?[") and fnmatch.fnmatchcase(name, p):
			return True
		if p in name:
			return True
	return False


def main():
	ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
				     epilog=__doc__.split("\n\n", 2)[2],
				     formatter_class=argparse.RawDescriptionHelpFormatter)
	ap.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN",
			help="run only tests whose name contains PATTERN (or matches it, with * ? [])")
	ap.add_argument("-j", dest="jobs", type=int, default=len(os.sched_getaffinity(0)),
			help="parallel runs (default: the number of CPUs)")
	ap.add_argument("-v", dest="verbose", action="store_true",
			help="print every check, and the log of each failed test")
	ap.add_argument("--list", action="store_true", help="list the tests and exit")
	args = ap.parse_args()
	os.chdir(ROOT)

	jobs, broken = [], []
	for b in unit_binaries():
		jobs.append(unit_runner(b))
	for area, tests in boottest.load_manifests(ROOT / "tests/boot"):
		if isinstance(tests, Exception):
			broken.append(Result("FAIL", f"manifest/{area}",
					     f"tests/boot/{area}.py: {tests}"))
			continue
		for t in tests:
			jobs.append(Job(t.full_name, t.describe(), lambda t=t: boottest.run(t), t.timeout))
			jobs[-1].test = t
	jobs += [tool_runner(*c) for c in TOOL_CHECKS]
	jobs = [j for j in jobs if selected(j.name, args.patterns)]

	if args.list:
		width = max((len(j.name) for j in jobs), default=0)
		for j in jobs:
			print(f"{j.name:<{width}}  {j.describe}")
		for r in broken:
			print(r.line())
		return 1 if broken else 0

	t0 = time.monotonic()
	passed = failed = skipped = xfailed = dependent = 0
	finished = 0

	def report(results, log, name=None):
		"""One test's line `[k/N] name: counts`, then each of its checks that did not pass
		(every check with -v) and, with -v, the log of a failed test."""
		nonlocal passed, failed, skipped, xfailed, dependent, finished
		n = {"PASS": 0, "FAIL": 0, "XFAIL": 0, "SKIP": 0, DEPENDENT: 0}
		for r in results:
			n[r.status] = n.get(r.status, 0) + 1
		passed += n["PASS"] + n["XFAIL"]
		xfailed += n["XFAIL"]
		skipped += n["SKIP"]
		failed += len(results) - n["PASS"] - n["XFAIL"] - n["SKIP"] - n[DEPENDENT]
		dependent += n[DEPENDENT]
		if name is not None:
			finished += 1
			words = [f"{n['PASS'] + n['XFAIL']} passed" +
				 (f" ({n['XFAIL']} expected failures)" if n["XFAIL"] else "")]
			bad = len(results) - n["PASS"] - n["XFAIL"] - n["SKIP"] - n[DEPENDENT]
			words += [f"{bad} failed"] if bad else []
			words += [f"{n[DEPENDENT]} not counted"] if n[DEPENDENT] else []
			words += [f"{n['SKIP']} skipped"] if n["SKIP"] else []
			print(f"[{finished}/{len(jobs)}] {name}: {', '.join(words)}")
		for r in results:
			if args.verbose or r.status not in ("PASS", "XFAIL"):
				print(r.line())
		if args.verbose and log and any(r.status == "FAIL" for r in results):
			try:
				text = (ROOT / log).read_bytes().decode("utf-8", "replace")
			except OSError:
				text = ""
			print(f"---- {log}")
			for line in text.replace("\r", "").splitlines():
				print(f"  | {line}")
			print("----")
		sys.stdout.flush()

	report(broken, None)
	if not jobs and args.patterns:
		print(f"runtests: no test matches {' '.join(args.patterns)} (see --list)")
		print(f"{passed} passed, {failed + 1} failed")
		return 1

	# Unit tests first (seconds each), then the boot runs, the longest timeout first (the Linux
	# boots); each test is printed as it ends.
	order = sorted(range(len(jobs)), key=lambda i: (not jobs[i].name.startswith("unit/"),
							-jobs[i].timeout))
	pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))
	try:
		futures = {pool.submit(jobs[i].run): jobs[i] for i in order}
		for f in as_completed(futures):
			j = futures[f]
			report(mark_dependent(j.results, getattr(j, "test", None)), j.log, j.name)
	except KeyboardInterrupt:
		# The runners' children got the SIGINT too (same process group) and stop.
		pool.shutdown(wait=False, cancel_futures=True)
		print("runtests: interrupted", flush=True)
		os._exit(130)
	pool.shutdown()

	wall = time.monotonic() - t0
	units = sum(1 for j in jobs if j.name.startswith("unit/"))
	tools = sum(1 for j in jobs if j.name.startswith("tools/"))
	slow = max(jobs, key=lambda j: j.secs, default=None)
	slowest = f", slowest {slow.name} {slow.secs:.1f} s" if slow else ""
	print(f"runtests: {units} unit binaries, {len(jobs) - units - tools} boot runs, {tools} tool "
	      f"checks in {wall:.1f} s "
	      f"(-j {args.jobs}{slowest}); {skipped} skipped, {xfailed} expected failures (XFAIL), "
	      f"{dependent} failures not counted (they follow from one counted above)")
	print(f"{passed} passed, {failed} failed")
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
