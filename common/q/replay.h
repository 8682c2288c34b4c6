/* replay.h: the interpreter's -11! forms on top of the journal scanner (journal.h):
 * streaming replay of a tick log, each record applied as an async message is
 * (tick-architecture.md §5.4). Hooking it into `!` is eval's business.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_REPLAY_H
#define TICK_REPLAY_H

#include "k.h"

#define REPLAY_ALL (-1)     /* -11!(-1;f): as -11!f */
#define REPLAY_COUNT (-2)   /* -11!(-2;f): count only */

/* -11!arg. arg is a file symbol (`:path, replay every record: returns the count, or
 * 'badtail after replaying the good prefix when the file ends in a bad record), or a
 * pair (n;`:path): n >= 0 replays the first n records and returns how many it replayed
 * ('badtail if the file ends in a bad record before n); -1 as the plain form; -2 replays
 * nothing and returns the record count, or (good records; valid bytes) for a bad tail.
 * Each record goes through q_value; an error there stops the replay and is returned.
 * Ownership: arg borrowed; returns new (a long, a long pair, or an error value). */
K q_replay(K arg);

#endif
