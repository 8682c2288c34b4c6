/* check_run.h: the one way our check suites run: every test case forked, failures
 * counted, the symbol table freed so LeakSanitizer sees a clean exit.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_CHECK_RUN_H
#define TICK_CHECK_RUN_H
#include <check.h>
#include <stdlib.h>

#include "k.h"

/* Run suite s and return the process exit status. Ownership: consumes s. */
static inline int tk_check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    tk_sym_fini();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
#endif
