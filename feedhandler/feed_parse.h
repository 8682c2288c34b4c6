/* feed_parse.h: typed column cells for the feed handler: q's text forms of each type
 * parsed into a vector slot (CSV replay), typed setters and nulls (demo generator).
 * Splitting CSV lines is feed_csv.c; sending is feed_link.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_FEED_PARSE_H
#define TICK_FEED_PARSE_H

#include <stddef.h>

#include "k.h"

#define FEED_WHY_BYTES 160   /* room for one parse failure reason */

/* Is type a vector type feed_parse_cell can fill (boolean, byte, short, int, long, real,
 * float, char, symbol, timestamp, month, date, timespan, minute, second, time)? */
int feed_parse_type_ok(int type);

/* Parse text[0..n) in q's text form for col's type into kX(col)[i]. An empty field is
 * the type's null; "0N"/"0n" (with an optional type letter) are null too. Returns 0,
 * or -1 with a reason in why (FEED_WHY_BYTES) naming the bad text.
 * Ownership: col borrowed (its slot i is overwritten; symbols are interned). */
int feed_parse_cell(K col, J i, const char *text, size_t n, char *why);

/* Store the type's null in slot i of col. Ownership: col borrowed. */
void feed_col_null(K col, J i);

/* Store a number in slot i of a numeric, boolean or temporal column, converting to the
 * column's type (integers round to nearest). Ownership: col borrowed. */
void feed_col_put_float(K col, J i, F value);
void feed_col_put_long(K col, J i, J value);

/* Store a character in slot i of a char column, or a one-letter symbol in a symbol
 * column. Ownership: col borrowed. */
void feed_col_put_char(K col, J i, C value);

/* Store an interned symbol in slot i of a symbol column, or its first letter in a char
 * column. Ownership: col borrowed; s must be interned (ss). */
void feed_col_put_sym(K col, J i, S s);

#endif
