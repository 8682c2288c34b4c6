/* prim_fns.h: entry points of the individual primitives, referenced by prim_kw.c's table.
 * Each: Ownership: arguments borrowed; returns new (an error value on failure).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_PRIM_FNS_H
#define TICK_PRIM_FNS_H

#include "k.h"

typedef K (*prim_fn1)(K x);
typedef K (*prim_fn2)(K x, K y);

#define PRIM_ENLIST_CODE 12

/* prim_list.c */
K prim_fill(K x, K y);    K prim_join(K x, K y);    K prim_take(K x, K y);
K prim_drop(K x, K y);    K prim_bang(K x, K y);    K prim_find(K x, K y);
K prim_flip(K x);         K prim_first(K x);        K prim_where(K x);
K prim_reverse(K x);      K prim_group(K x);        K prim_enlist(K x);
K prim_count(K x);        K prim_key(K x);          K prim_distinct(K x);
K prim_value(K x);        K prim_til(K x);          K prim_last(K x);
K prim_raze(K x);         K prim_cols(K x);         K prim_fills(K x);
K prim_prev(K x);         K prim_next(K x);         K prim_in(K x, K y);
K prim_within(K x, K y);  K prim_except(K x, K y);  K prim_inter(K x, K y);
K prim_union(K x, K y);   K prim_cut(K x, K y);     K prim_sublist(K x, K y);
K prim_bin(K x, K y);     K prim_tables(K x);
/* prim_sort.c */
K prim_iasc(K x);         K prim_idesc(K x);        K prim_asc(K x);
K prim_desc(K x);
/* prim_agg.c */
K prim_neg(K x);          K prim_reciprocal(K x);   K prim_null(K x);
K prim_floor(K x);        K prim_not(K x);          K prim_sum(K x);
K prim_prd(K x);          K prim_max(K x);          K prim_min(K x);
K prim_avg(K x);          K prim_sums(K x);         K prim_prds(K x);
K prim_maxs(K x);         K prim_mins(K x);         K prim_deltas(K x);
K prim_abs(K x);          K prim_sqrt(K x);         K prim_exp(K x);
K prim_log(K x);          K prim_ceiling(K x);      K prim_med(K x);
K prim_var(K x);          K prim_dev(K x);          K prim_ratios(K x);
K prim_differ(K x);       K prim_all(K x);          K prim_any(K x);
K prim_signum(K x);       K prim_avgs(K x);         K prim_cos(K x);
K prim_acos(K x);         K prim_sin(K x);          K prim_div(K x, K y);
K prim_mod(K x, K y);     K prim_xbar(K x, K y);    K prim_mavg(K x, K y);
K prim_msum(K x, K y);    K prim_wsum(K x, K y);    K prim_wavg(K x, K y);
K prim_mmax(K x, K y);    K prim_mmin(K x, K y);    K prim_xexp(K x, K y);
/* prim_cast.c */
K prim_cast(K x, K y);    K prim_string(K x);       K prim_type(K x);
K prim_lower(K x);        K prim_upper(K x);        K prim_attr(K x);
K prim_like(K x, K y);    K prim_sv(K x, K y);      K prim_vs(K x, K y);
K prim_ss(K x, K y);      K prim_hsym(K x);
/* prim_env.c */
K prim_system(K x);       K prim_rand(K x);         K prim_eval(K x);
K prim_parse(K x);        K prim_show(K x);         K prim_each(K x, K y);
K prim_over(K x, K y);    K prim_scan(K x, K y);    K prim_prior(K x, K y);
K prim_set(K x, K y);
K prim_asin(K x);         K prim_tan(K x);          K prim_atan(K x);

/* prim_enum.c (Tier 2): enumerations, symbols tagged with a domain id (k_int.h).
 * prim_enum_cast is `name$y ('cast when an item is not in the global list name);
 * prim_enum_extend is `name?y (appends missing items to it, creating it if undefined);
 * both 'type when the global is not a symbol list or y holds other than symbols.
 * prim_enum_type is the type q shows (20.. for enumerations, else x's own);
 * prim_enum_value is value of an enumeration: the plain symbols; prim_enum_fits
 * tells whether the symbols v may be stored into e: 1 unless e is an enumeration and
 * v is not one of the same domain and has a symbol outside e's domain list (0). */
K prim_enum_cast(S name, K y);  K prim_enum_extend(S name, K y);
int prim_enum_type(K x);        K prim_enum_value(K x);
int prim_enum_fits(K e, K v);
/* r, the result of primitive (type, code) on x (and y, or NULL), tagged with the
 * enumeration of the operand it is drawn from where kdb+ keeps it (first, asc, #, …).
 * Ownership: x, y borrowed; r consumed and returned. */
K prim_enum_keep(int type, int code, K x, K y, K r);
/* Table t with its symbol columns as enumerations over name (.Q.en; the caller has
 * put their symbols in the global name). Ownership: t borrowed; returns new. */
K prim_enum_columns(K t, S name);

/* prim_stat.c (Tier 2): sample statistics, xlog, mcount. Ownership: borrowed; new. */
K prim_svar(K x);         K prim_sdev(K x);         K prim_cov(K x, K y);
K prim_scov(K x, K y);    K prim_cor(K x, K y);     K prim_xlog(K x, K y);
K prim_mcount(K x, K y);
K prim_trim(K x);         K prim_ltrim(K x);        K prim_rtrim(K x);
K prim_rotate(K x, K y);  K prim_xprev(K x, K y);   K prim_getenv(K x);
K prim_exit(K x);
K prim_binr(K x, K y);    K prim_read0(K x);        K prim_read1(K x);
K prim_hcount(K x);       K prim_hdel(K x);
int prim_dotq_init(void); /* prim_dotq.c: .Q.s .Q.dd .Q.f .Q.fmt .Q.gc .Q.w .Q.opt */

/* prim_file.c: files (q-subset.md §5.6). x is a file symbol `:path. Ownership: borrowed;
 * return new. */
K prim_file_set(K x, K y);   /* `:f set y; `:dir/ set table writes it splayed */
K prim_file_get(K x);        /* get/value `:f */
K prim_file_key(K x);        /* key `:f: `:f, a directory's sorted names, or () */
K prim_file_text(K x, K y);  /* `:f 0: strings */
K prim_ssr(K x, K y, K z);   /* ssr[x;y;z] */
K prim_ema(K x, K y);        /* ema[a;x] */
K prim_save(K x);            /* save `name: global to file */
K prim_load(K x);            /* load `name: file to global */
K prim_text_parse(K x, K y);
/* Hashed find/in/distinct/group (prim_hash.c): the result, or NULL when the arguments
 * are not vectors of exact keys worth hashing (the caller's own loop then answers).
 * Ownership: arguments borrowed; a result (or 'wsfull error) is new. */
int prim_hash_ok(K x);
K prim_hash_distinct(K x);
K prim_hash_group(K x);
K prim_hash_find(K x, K y);  /* x?y */
K prim_hash_in(K x, K y);    /* x in y */  /* (types;delim) 0: lines, "S=;" 0: text */
int prim_file_init(void);    /* define .Q.en and .Q.dpft; 0 or -1 */
void prim_file_fini(void);   /* close files left open by hopen */

#endif
