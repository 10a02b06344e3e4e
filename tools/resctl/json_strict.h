/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RESCTL_JSON_STRICT_H
#define RESCTL_JSON_STRICT_H

#include <stddef.h>

/*
 * Duplicate keys and integers beyond 64 bits in a JSON text json-c has
 * parsed: 0 none, 1 one was reported on stderr as FILE:LINE:COLUMN, -1 out
 * of memory (said too).
 */
int json_strict_check(const char *file, const char *buf, size_t len);

/* Line and column (from 1) of byte @off of @buf. */
void json_line_col(const char *buf, size_t off, int *line, int *col);

#endif
