/* k_int.h: declarations shared by libtick's own modules and not part of the public k.h.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_K_INT_H
#define TICK_K_INT_H
#include "k.h"

/* Releases a value whose memory kind is K_MEM_MAPPED (set by the module that maps files). */
extern void (*k_mapped_release)(K x);

/* Data attached to a heap vector or list (the `g# index of a symbol column): a cache
 * beside the items that k_copy does not copy and realloc keeps. k_aux_get borrows it
 * (NULL when none, or x is not a heap vector); k_aux_set stores it (0, or -1 when x
 * cannot carry one); when the value is freed r0 passes it to k_aux_release, which the
 * module that attaches data installs (one kind of data for now: the `g# index). */
extern void (*k_aux_release)(void *aux);
void *k_aux_get(K x);
int k_aux_set(K x, void *aux);

/* Types whose value sits in the 8 (guid: 24) bytes at offset 8 rather than items. */
int k_is_atomlike(int type);

/* Intern len bytes that contain no NUL (the caller has checked). */
S k_sym_intern(const char *s, size_t len);

/* Enumerations (q-subset.md types 20–76). An enumeration is a symbol vector (KS) or
 * atom (-KS) whose u byte holds its domain id (1..K_ENUM_MAX, 0 = plain symbols): the
 * items stay the interned symbols, so all code that reads symbols reads enumerations,
 * and the wire and disk formats see plain symbols, as kdb+ sends them. q shows the type
 * as 19 + id. k_enum_id gives the id of a domain name (an interned symbol), handing out
 * the next one on first use; 0 when all are used. k_enum_domain gives the name of an
 * id, or NULL when none has it. The ids live as long as the symbol table (tk_sym_fini)
 * or until k_enum_fini forgets them (q_fini: a fresh interpreter numbers from 20h). */
#define K_ENUM_MAX 57
#define K_ENUM_TYPE_BASE 19
int k_enum_id(S domain);
S k_enum_domain(int id);
void k_enum_fini(void);

/* An error value holding len bytes of text. Ownership: returns new. */
K k_err_from_bytes(const char *text, size_t len);

#endif
