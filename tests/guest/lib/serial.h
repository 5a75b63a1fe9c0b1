/* SPDX-License-Identifier: MIT */
/* COM1, polled: the guest's console, shared with tickvisor when it runs as its guest. */
#ifndef GUEST_LIB_SERIAL_H
#define GUEST_LIB_SERIAL_H

/* Programs 115200 8N1 with FIFOs; call before the first byte. */
void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s);
/* Returns once the last byte has left the transmitter: call before the guest ends the run. */
void serial_drain(void);

#endif
