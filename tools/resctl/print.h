/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printing layer for every command (iproute2 style): commands describe
 * their output as key/value pairs inside objects, and the layer renders them
 * as aligned text or, with -j, as JSON (pretty with -p).
 *
 * JSON keys are snake_case and carry raw integers, with the unit in the key
 * ("open_ns": 60000000000); text uses labels and human units ("open 1min").
 */
#ifndef RESCTL_PRINT_H
#define RESCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Open a JSON object (NULL key = the top-level object, or an element when
 * inside an array); text prints @title as a heading and indents what
 * follows, or nothing if @title is NULL.
 */
void print_open(const char *key, const char *title);
void print_close(void);

void print_str(const char *key, const char *label, const char *val);
void print_u64(const char *key, const char *label, uint64_t val);
void print_s64(const char *key, const char *label, int64_t val);
void print_hex(const char *key, const char *label, uint64_t val);
void print_bool(const char *key, const char *label, bool val);
/* JSON: @raw as an integer; text: the @human rendering of it. */
void print_unit(const char *key, const char *label, uint64_t raw, const char *human);
/* Text only, e.g. "on"/"off" where JSON has a boolean under another call. */
void print_text(const char *label, const char *val);

/*
 * Tables: one row per object. JSON: an array @key of objects; text: a header
 * line of the column labels, then one line per row, in column order (each
 * print_* call inside a row fills the next column; labels are ignored).
 */
struct print_col {
	const char *head;
	int width;
	bool right;	/* numbers: right-aligned */
};

void print_table_open(const char *key, const struct print_col *cols, int ncols);
void print_row_open(void);
void print_row_close(void);
void print_table_close(void);

/* Emit everything collected (JSON) and reset; text output is streamed already. */
void print_flush(void);

/* Drop whatever a failed command left half-built (batch: between lines). */
void print_reset(void);

#endif /* RESCTL_PRINT_H */
