/* console.c: the q console's handling of one input line: evaluate with q_eval, decide
 * whether the result is printed (q-subset.md §7.2), render it with fmt_display.
 * Reading lines, line editing and networking are tickq.c's.
 * SPDX-License-Identifier: MIT */
#include "console.h"

#include <string.h>

/* Bounds of the last top-level statement of src (after the last ';' outside strings and
 * brackets), with a trailing " /" comment and blanks removed. *ends_semi tells whether
 * the text ends with ';'. */
static void last_statement(const char *src, J len, J *from, J *to, int *ends_semi)
{
    J depth = 0, start = 0, end = len;
    int in_string = 0;
    if (len > 0 && src[0] == '/') end = 0;  /* the whole line is a comment */
    for (J i = 0; i < end; i++) {
        char c = src[i];
        if (in_string) {
            if (c == '\\' && i + 1 < end) i++;
            else if (c == '"') in_string = 0;
            continue;
        }
        if (c == '"') in_string = 1;
        else if (c == '/' && i > 0 && (src[i - 1] == ' ' || src[i - 1] == '\t')) end = i;
        else if (c == '(' || c == '[' || c == '{') depth++;
        else if (c == ')' || c == ']' || c == '}') depth--;
        else if (c == ';' && depth == 0) start = i + 1;
        else if (c == '\n') depth = depth < 0 ? 0 : depth;  /* keep counting across lines */
    }
    while (end > 0 && strchr(" \t\r\n", src[end - 1])) end--;
    *ends_semi = end > 0 && src[end - 1] == ';';
    while (start < end && strchr(" \t\r\n", src[start])) start++;
    *from = start;
    *to = end;
}

static int is_name_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_'
        || (!first && c >= '0' && c <= '9');
}

/* Does s[0..n) start with an assignment: name, optional [..], optional operator, ':'? */
static int is_assignment(const char *s, J n)
{
    J i = 0;
    if (n == 0 || !is_name_char(s[0], 1) || s[0] == '_') return 0;
    while (i < n && is_name_char(s[i], 0)) i++;
    if (i < n && s[i] == '[') {
        J depth = 0;
        for (; i < n; i++) {
            if (s[i] == '[') depth++;
            else if (s[i] == ']' && --depth == 0) { i++; break; }
        }
    }
    if (i < n && s[i] != ':' && strchr("+-*%&|^=<>$,#_~!?@.", s[i])) i++;
    return i < n && s[i] == ':';
}

int console_is_silent(const char *src, J len)
{
    J from, to;
    int ends_semi;
    last_statement(src, len, &from, &to, &ends_semi);
    return ends_semi || is_assignment(src + from, to - from);
}

/* Ownership: r consumed; returns new (console.h). */
K console_text(K r, const char *src, J len, int *is_error)
{
    *is_error = 0;
    if (!r) { *is_error = 1; return kp("'wsfull"); }
    if (r->t == KERR) {
        *is_error = 1;
        K text = ktn(KC, 0);
        if (text) {
            (void)ja(&text, "'");  /* NULL only when memory runs out; then shown short */
            K name = kp(r->s);
            if (name) { (void)jv(&text, name); r0(name); }
        }
        r0(r);
        return text;
    }
    K text = console_is_silent(src, len) ? ktn(KC, 0) : fmt_display(r);
    r0(r);
    return text;
}

/* Ownership: returns new (console.h). */
K console_eval(const char *src, J len, int *is_error)
{
    return console_text(q_eval(src, len), src, len, is_error);
}

/* Ownership: text consumed (console.h). */
void console_print(K text, int is_error, FILE *err_out, const char *line, int show_expr)
{
    FILE *out = is_error ? err_out : stdout;
    if (!text) { fputs("'wsfull\n", err_out); return; }
    if (text->n > 0) {
        fwrite(kC(text), 1, (size_t)text->n, out);
        fputc('\n', out);
    }
    if (is_error && show_expr) fprintf(out, "  [0]  %s\n", line);
    fflush(out);
    r0(text);
}

int console_is_exit(const char *line)
{
    while (*line == ' ' || *line == '\t') line++;
    if (strncmp(line, "\\\\", 2) != 0) return 0;
    for (line += 2; *line; line++) if (!strchr(" \t\r\n", *line)) return 0;
    return 1;
}
