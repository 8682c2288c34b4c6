/* eval_sys.c: system commands (q-subset.md §2.18, §5.5): \d \t \ts \p \cd \v \a \f \x
 * \l, and anything else through the shell, whose output lines are returned.
 * \S is prim_env.c's; the timer and port themselves are run by cli/ and net/.
 * SPDX-License-Identifier: MIT */
#include "q.h"
#include "q_int.h"
#include "eval_int.h"
#include "qnative.h"
#include "fmt.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SYS_LINE_BYTES 4096
#define SYS_MS_PER_S 1e3

static J sys_timer_ms;  /* \t setting: 0 = off */
static J sys_port;      /* \p setting: 0 = not listening */

J q_timer_ms(void) { return sys_timer_ms; }
void q_port_set(J port) { sys_port = port; }

static double sys_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int sys_is_number(const char *arg)
{
    if (*arg == '-') arg++;
    if (!*arg) return 0;
    for (; *arg; arg++) if (*arg < '0' || *arg > '9') return 0;
    return 1;
}

/* Names in namespace ns (current when empty) whose value is of the wanted kind:
 * 'v' every variable, 'a' tables, 'f' functions. */
static K sys_names(const char *arg, char kind)
{
    S ns = *arg ? ss(arg) : eval_namespace();
    K d = eval_namespace_dict(ns[0] == '.' && !ns[1] ? ss("") : ns);
    K r = ktn(KS, 0);
    if (!d) return r;
    K keys = kK(d)[0], vals = kK(d)[1];
    for (J i = 0; i < keys->n; i++) {
        S name = kS(keys)[i];
        int t = kK(vals)[i]->t;
        if (!name[0]) continue;
        if ((kind == 'a' && t == XT) || (kind == 'f' && t >= K_LAMBDA) || kind == 'v') js(&r, name);
    }
    r0(d);
    K sorted = prim_apply1(PRIM_KW_BASE + 17, r);  /* asc */
    r0(r);
    if (!IS_ERR(sorted)) sorted->a = K_ATTR_NONE;
    return sorted;
}

static K sys_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return k_err_fmt("%s", path);
    K text = ktn(KC, 0);
    char buf[SYS_LINE_BYTES];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        K chunk = kpn(buf, (J)got);
        jv(&text, chunk);
        r0(chunk);
    }
    fclose(f);
    K r = q_eval((const char *)kC(text), text->n);
    r0(text);
    if (IS_ERR(r)) return r;
    r0(r);
    return k_identity();
}

static K sys_shell(const char *text)
{
    FILE *p = popen(text, "r");
    if (!p) return krr("os");
    K r = ktn(0, 0);
    char line[SYS_LINE_BYTES];
    while (fgets(line, sizeof line, p)) {
        size_t l = strlen(line);
        if (l && line[l - 1] == '\n') l--;
        jk(&r, kpn(line, (J)l));
    }
    if (pclose(p) != 0) { r0(r); return krr("os"); }
    return r;
}

/* Timed evaluation: \t expr gives ms; \ts gives (ms; bytes). */
static K sys_time(const char *expr, int space)
{
    double t0 = sys_now_s();
    K v = q_eval(expr, (J)strlen(expr));
    double ms = (sys_now_s() - t0) * SYS_MS_PER_S;
    if (IS_ERR(v)) return v;
    r0(v);
    if (!space) return kj((J)ms);
    K r = ktn(KJ, 2);
    kJ(r)[0] = (J)ms;
    kJ(r)[1] = 0;
    return r;
}

void q_exit_hook(int code)
{
    K f = q_global_get(".z.exit");
    if (!f) return;
    K call = knk(2, f, ki(code));
    K r = call ? q_value(call) : krr("wsfull");
    if (IS_ERR(r)) fprintf(stderr, ".z.exit: '%s\n", r->s);
    r0(r);
    r0(call);
}

_Noreturn void q_exit(int code)
{
    q_exit_hook(code);
    fflush(stdout);
    fflush(stderr);
    exit(code);
}

/* \c: the console's rows and columns (kept for \c queries; display does not wrap). */
static I sys_console[2] = { 25, 80 };

static K sys_console_size(const char *arg)
{
    if (*arg) {
        int rows, cols;
        if (sscanf(arg, "%d %d", &rows, &cols) != 2 || rows < 10 || cols < 10) return krr("domain");
        sys_console[0] = rows;
        sys_console[1] = cols;
        return k_identity();
    }
    K r = ktn(KI, 2);
    if (!r) return krr("wsfull");
    memcpy(kI(r), sys_console, sizeof sys_console);
    return r;
}

static K sys_dispatch(const char *cmd, const char *arg)
{
    if (!strcmp(cmd, "\\")) q_exit(0);  /* the line \\ (restricted mode stops it earlier) */
    if (!strcmp(cmd, "d")) {
        if (!*arg) { S ns = eval_namespace(); return ks(ns[0] ? ns : "."); }
        return eval_namespace_set(ss(arg)) ? krr("wsfull") : k_identity();
    }
    if (!strcmp(cmd, "t")) {
        if (!*arg) return kj(sys_timer_ms);
        if (sys_is_number(arg)) { sys_timer_ms = atoll(arg); return k_identity(); }
        return sys_time(arg, 0);
    }
    if (!strcmp(cmd, "ts")) return sys_time(arg, 1);
    if (!strcmp(cmd, "P")) {  /* display precision (§5.5): \P shows, \P n sets */
        if (!*arg) return ki(fmt_precision_set(-1));
        if (!sys_is_number(arg)) return krr("type");
        fmt_precision_set(atoi(arg));
        return k_identity();
    }
    if (!strcmp(cmd, "p")) {
        if (!*arg) return ki((I)sys_port);
        return krr("nyi");
    }
    if (!strcmp(cmd, "cd")) {
        if (*arg) return chdir(arg) ? krr("os") : k_identity();
        char dir[PATH_MAX];
        return getcwd(dir, sizeof dir) ? kp(dir) : krr("os");
    }
    if (!strcmp(cmd, "v") || !strcmp(cmd, "a") || !strcmp(cmd, "f")) return sys_names(arg, cmd[0]);
    if (!strcmp(cmd, "l")) return sys_load(arg);
    if (!strcmp(cmd, "c")) return sys_console_size(arg);
    if (!strcmp(cmd, "x")) {
        /* \x .z.pg: the handler is undefined again, so its default applies (§5.5) */
        eval_global_delete(eval_namespace(), ss(arg));
        return k_identity();
    }
    return NULL;
}

static int sys_restricted;

void q_restrict_set(int on) { sys_restricted = on != 0; }
int q_restricted(void) { return sys_restricted; }

/* Work done since the outermost evaluation began, in items touched (restricted only). */
static J sys_work_units;

void eval_work_reset(void) { sys_work_units = 0; }

int eval_work_charge(J n)
{
    if (!sys_restricted) return 0;
    sys_work_units += n > 0 ? n : 1;
    return sys_work_units > EVAL_RESTRICTED_WORK ? -1 : 0;
}

/* Commands allowed in restricted mode: they only read or set interpreter state. */
static int sys_is_safe(const char *name)
{
    static const char *const safe[] = { "d", "t", "ts", "p", "v", "a", "f", "x", "S", "c" };
    for (size_t i = 0; i < sizeof safe / sizeof *safe; i++)
        if (!strcmp(name, safe[i])) return 1;
    return 0;
}

K eval_system(K cmd)
{
    if (cmd->t != KC) return krr("type");
    char *text = strndup((const char *)kC(cmd), (size_t)cmd->n);
    if (!text) return krr("wsfull");
    char *p = text;
    while (*p == ' ') p++;
    char *name = p;
    while (*p && *p != ' ') p++;
    char *arg = p;
    if (*arg) *arg++ = '\0';
    while (*arg == ' ') arg++;
    size_t al = strlen(arg);
    while (al && arg[al - 1] == ' ') arg[--al] = '\0';
    if (sys_restricted && (!sys_is_safe(name) || (!strcmp(name, "p") && *arg))) {
        free(text);
        return krr("access");
    }
    K r = sys_dispatch(name, arg);
    if (!r) {
        free(text);
        text = strndup((const char *)kC(cmd), (size_t)cmd->n);
        if (!text) return krr("wsfull");
        r = sys_shell(text);
    }
    free(text);
    return r;
}
