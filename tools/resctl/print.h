/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printing layer for every command (iproute2 style): commands describe
 * their output as key/value pairs inside objects, and the layer renders them
 * as aligned text or, with -j, as JSON (pretty with -p).
 */
#ifndef RESCTL_PRINT_H
#define RESCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>

/* Open a JSON object (NULL key = the top-level object); text prints a heading if @title. */
void print_open(const char *key, const char *title);
void print_close(void);

void print_str(const char *key, const char *label, const char *val);
void print_u64(const char *key, const char *label, uint64_t val);
void print_hex(const char *key, const char *label, uint64_t val);
void print_bool(const char *key, const char *label, bool val);

/* Emit everything collected (JSON) and reset; text output is streamed already. */
void print_flush(void);

#endif /* RESCTL_PRINT_H */
