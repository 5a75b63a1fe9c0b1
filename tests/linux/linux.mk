# The Linux guest of the boot tests (tests/boot/linux.py), included by the top-level Makefile:
# Debian 12's stock cloud kernel, fetched by tools/linux-fetch (apt-get download, nothing
# installed), and a busybox initramfs with tests/linux/init and tvcheck, built by
# tools/linux-initramfs. Neither is ever committed: both live in $(B)/linux/.
#   make linux        fetch the kernel (once) and build the initramfs
#   make test-linux   only the Linux boot tests (make test runs them too)

LINUX_B      := $(B)/linux
LINUX_INITRD := $(LINUX_B)/initrd.img

.PHONY: linux linux-fetch linux-fetch-or-warn test-linux
linux: linux-fetch $(LINUX_INITRD)

# Quick once fetched: it asks the network nothing when build/linux/vmlinuz is there.
linux-fetch:
	tools/linux-fetch

# make test runs everything else without the network: the Linux boot tests then fail, each
# naming the missing file and the command that makes it.
linux-fetch-or-warn:
	@tools/linux-fetch || echo "make test: no Linux kernel: the linux/ boot tests will fail" >&2

# After deps, which installs busybox-static and cpio (make -j on a fresh machine).
$(LINUX_INITRD): tests/linux/init tests/linux/tvcheck.c tools/linux-initramfs | deps
	HOSTCC=$(HOSTCC) tools/linux-initramfs --out $@

test: linux-fetch-or-warn $(LINUX_INITRD)

test-linux: deps all linux
	$(PYTHON) tools/runtests.py -k linux/ $(TESTFLAGS)
