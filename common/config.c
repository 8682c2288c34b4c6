/* config.c: JSON schema loading (config.h). The schema's meaning (what a tickerplant
 * does with it) belongs to the roles.
 * SPDX-License-Identifier: MIT */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct type_name { const char *name; const char *letter; int type; };

static const struct type_name type_names[] = {
    { "boolean", "b", KB }, { "guid", "g", UU }, { "byte", "x", KG }, { "short", "h", KH },
    { "int", "i", KI }, { "long", "j", KJ }, { "real", "e", KE }, { "float", "f", KF },
    { "char", "c", KC }, { "symbol", "s", KS }, { "timestamp", "p", KP },
    { "month", "m", KM }, { "date", "d", KD }, { "datetime", "z", KZ },
    { "timespan", "n", KN }, { "minute", "u", KU }, { "second", "v", KV },
    { "time", "t", KT },
};

int cfg_type_code(const char *name)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (!strcmp(name, type_names[i].name) || !strcmp(name, type_names[i].letter))
            return type_names[i].type;
    return -1;
}

static int attr_code(const char *attr)
{
    static const char *codes[] = { "", "s", "u", "p", "g" };
    for (int i = 0; i < 5; i++) if (!strcmp(attr, codes[i])) return i;
    return -1;
}

/* One table's columns from a JSON array. Returns an empty table or NULL (err set). */
static K parse_table(const char *table, json_t *columns, char *err)
{
    if (!json_is_array(columns) || json_array_size(columns) == 0) {
        snprintf(err, CFG_ERR_BYTES, "table %s: columns must be a non-empty array", table);
        return NULL;
    }
    size_t n = json_array_size(columns);
    K names = ktn(KS, (J)n), cols = ktn(0, (J)n);
    for (size_t i = 0; i < n; i++) {
        json_t *col = json_array_get(columns, i);
        const char *name = json_string_value(json_object_get(col, "name"));
        const char *type = json_string_value(json_object_get(col, "type"));
        json_t *attr_json = json_object_get(col, "attr");
        const char *attr = attr_json ? json_string_value(attr_json) : "";
        int t = type ? cfg_type_code(type) : -1;
        int a = attr ? attr_code(attr) : -1;
        const char *why = !json_is_object(col) ? "is not an object"
                        : !name || !*name ? "has no \"name\" string"
                        : t < 0 ? "has no known \"type\" (a q type name or letter)"
                        : a < 0 ? "has an \"attr\" other than g, s, u or p" : NULL;
        if (why) {
            snprintf(err, CFG_ERR_BYTES, "table %s: column %zu %s", table, i, why);
            for (size_t k = 0; k < i; k++) r0(kK(cols)[k]);
            cols->n = 0;
            r0(names); r0(cols);
            return NULL;
        }
        kS(names)[i] = ss(name);
        kK(cols)[i] = ktn(t, 0);
        kK(cols)[i]->a = (signed char)a;
    }
    K tab = xT(xD(names, cols));
    if (!tab) snprintf(err, CFG_ERR_BYTES, "table %s: out of memory", table);
    return tab;
}

int cfg_schema_check(K schema, char *err)
{
    if (!schema || schema->t != XD || kK(schema)[0]->t != KS || kK(schema)[1]->t != 0) {
        snprintf(err, CFG_ERR_BYTES, "schema: not a dictionary of tables");
        return -1;
    }
    K names = kK(schema)[0], tables = kK(schema)[1];
    for (J i = 0; i < names->n; i++) {
        K t = kK(tables)[i];
        if (t->t != XT) {
            snprintf(err, CFG_ERR_BYTES, "schema: %s is not a table", kS(names)[i]);
            return -1;
        }
        K cols = kK(t->k)[0];
        if (cols->n < 2 || kS(cols)[0] != ss("time") || kS(cols)[1] != ss("sym")) {
            snprintf(err, CFG_ERR_BYTES, "schema: table %s: 'timesym: the first two columns "
                     "must be time and sym", kS(names)[i]);
            return -1;
        }
    }
    return 0;
}

static K parse_root(json_t *root, char *err)
{
    if (!json_is_object(root) || json_object_size(root) == 0) {
        snprintf(err, CFG_ERR_BYTES, "schema: expected an object of tables");
        return NULL;
    }
    K names = ktn(KS, 0), tables = ktn(0, 0);
    const char *table;
    json_t *columns;
    json_object_foreach(root, table, columns) {
        K tab = parse_table(table, columns, err);
        if (!tab) { r0(names); r0(tables); return NULL; }
        js(&names, ss(table));
        jk(&tables, tab);
    }
    K schema = xD(names, tables);
    if (schema && cfg_schema_check(schema, err)) { r0(schema); return NULL; }
    return schema;
}

K cfg_schema_parse(const char *json_text, char *err)
{
    json_error_t jerr;
    json_t *root = json_loads(json_text, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, CFG_ERR_BYTES, "schema: line %d column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        return NULL;
    }
    K schema = parse_root(root, err);
    json_decref(root);
    return schema;
}

K cfg_schema_load(const char *path, char *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, CFG_ERR_BYTES, "%s: line %d column %d: %s", path, jerr.line, jerr.column,
                 jerr.text);
        return NULL;
    }
    char inner[CFG_ERR_BYTES];
    K schema = parse_root(root, inner);
    json_decref(root);
    if (!schema) snprintf(err, CFG_ERR_BYTES, "%s: %.200s", path, inner);
    return schema;
}
