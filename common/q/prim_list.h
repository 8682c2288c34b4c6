/* prim_list.h: list helpers shared by prim_list.c, prim_set.c and prim_sort.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_PRIM_LIST_H
#define TICK_PRIM_LIST_H

#include "k.h"

J prim_list_count(K x);                        /* q's count */
K prim_list_select(K x, const J *idx, J n);    /* items at idx (in range); new */
K prim_list_range(K x, J from, J n);           /* items [from, from+n); new */
J prim_list_find(K x, K item);                 /* first index, or count when absent */
/* Charge restricted evaluation's work budget for one prim_list_find over x: -1 when
 * it is used up ('limit). Loops that find every item of one list in another call it. */
int prim_list_find_charge(K x);

#endif
