# The process status of a run, the same on Bochs and QEMU (sourced by tools/bochs-run and
# tools/qemu-run; README, "Exit status"):
#     0..63  the guest's exit code (a larger code gives 65; the serial log has the number)
#     64     bad usage of the runner: nothing was run
#     65     the guest's exit code was above 63
#     70     a tickvisor error: tickvisor ended the run itself (bad boot option, no VT-x, a guest
#            kernel it can't load, an exception, an EPT violation, ...)
#     71     the emulator stopped without an exit status: a reset, a triple fault, a Bochs panic
#     124    killed on timeout (as timeout(1) says it)
# Neither emulator carries a code from the guest to its own status as it is: Bochs exits 0 after
# the iodebug port and 1 after the "Shutdown" port or a panic; QEMU's isa-debug-exit gives
# (code << 1) | 1. So the serial log decides where tickvisor runs: "tickvisor: guest exited ...
# with code N" then "tickvisor: exit status N" is the guest's N; the status line alone, a
# tickvisor error (a non-zero N; with log=warn or log=error the guest's line is not printed and a
# non-zero guest code reads as an error too). Without tickvisor (a guest booted natively, GRUB's
# fallback), QEMU's code is (status - 1) / 2, and Bochs can only say 0 or "not 0", which reads as 1.

# map_exit_status TOOL RC SERIAL_LOG TIMEOUT EMULATOR BOCHS_LOG: prints why the run did not end
# through an exit device on stderr, and sets exit_status.
map_exit_status() {
	local tool=$1 rc=$2 serial=$3 timeout=$4 emu=$5 emu_log=${6:-} line code guest last msg
	last=$(tr -d '\r' < "$serial" 2>/dev/null | grep -v '^[[:space:]]*$' | tail -n 1 | cut -c1-100)
	if [ "$rc" = 137 ] || [ "$rc" = 124 ]; then
		echo "$tool: timed out: killed after $timeout s; the last serial line was:" \
			"'${last:-(no serial output)}'" >&2
		exit_status=124
		return
	fi
	line=$(tr -d '\r' < "$serial" 2>/dev/null | grep -E '^tickvisor: exit status [0-9]+$' |
		tail -n 1 | sed 's/.* //') || true
	guest=$(tr -d '\r' < "$serial" 2>/dev/null |
		grep -E '^tickvisor: guest exited .* with code [0-9]+$' | tail -n 1 | sed 's/.* //') || true
	if [ -n "$line" ]; then
		if [ -z "$guest" ] && [ "$line" != 0 ]; then
			exit_status=70
			return
		fi
		code=$line
	elif [ "$emu" = qemu ]; then
		if [ "$rc" != 0 ] && [ $((rc % 2)) = 1 ]; then
			code=$((rc >> 1))
		else
			echo "$tool: QEMU exited $rc without the exit port (reset, triple fault?);" \
				"the last serial line was: '${last:-(no serial output)}'" >&2
			exit_status=71
			return
		fi
	else
		msg=$(grep -A1 'Bochs is exiting with the following message:' "$emu_log" 2>/dev/null |
			tail -n 1 | sed 's/^\[[^]]*\] *//') || true
		if [ "$rc" = 0 ]; then
			code=0
		elif [ "$rc" = 1 ] && { [ -z "$msg" ] || [ "$msg" = "Shutdown port: shutdown requested" ]; }; then
			code=1
		else
			echo "$tool: Bochs stopped (status $rc): ${msg:-no message};" \
				"the last serial line was: '${last:-(no serial output)}'" >&2
			exit_status=71
			return
		fi
	fi
	if [ "$code" -gt 63 ]; then exit_status=65; else exit_status=$code; fi
}
