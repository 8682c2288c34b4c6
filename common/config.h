/* config.h: JSON configuration: table schemas (config/sym.json) as empty kdb+ tables.
 * A q schema file (sym.q) is loaded by the interpreter instead; both end as the same
 * dictionary of empty tables. jansson does the JSON.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_CONFIG_H
#define TICK_CONFIG_H

#include "k.h"

#define CFG_ERR_BYTES 256

/* The vector type for a q type name ("float", "timespan" …) or letter ("f", "n" …);
 * -1 when there is none. */
int cfg_type_code(const char *name);

/* Schemas from JSON text: an object mapping each table name to an array of columns
 * {"name": …, "type": …, "attr": "g"|"s"|"u"|"p" (optional)}, in column order.
 * Returns a dictionary table name -> empty table, or NULL with the reason in err
 * (CFG_ERR_BYTES), naming the table, column and JSON line where it can.
 * Every table must start with columns time and sym (tick.q's 'timesym rule).
 * Ownership: returns new. */
K cfg_schema_parse(const char *json_text, char *err);

/* As cfg_schema_parse on the file at path; errors start with the path. */
K cfg_schema_load(const char *path, char *err);

/* Check a dictionary of empty tables (from JSON or a sym.q) against tick.q's rules:
 * first columns time and sym. Returns 0, or -1 with err naming the table. */
int cfg_schema_check(K schema, char *err);

#endif
