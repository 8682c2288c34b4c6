/ last.q: the latest trade and the latest quote per sym (the cookbook's cx.q "last").
/   tickq examples/last.q [host]:port -p 5016        tickerplant default :5010
/ Subscribes to trade and quote for all syms and keeps each as a table keyed by sym:
/ an update upserts the last row of each sym it holds (,: on a keyed table replaces rows
/ whose key is present and appends the others). The tables start as the keyed empty
/ schema that .u.sub returns, so their column types are the tickerplant's.
/   tickq -c :5016 -e 'trade'        tickq -c :5016 -e 'quote`IBM'

tp:$[count .z.x;.z.x 0;":5010"]           / [host]:port of the tickerplant

upd:{[t;x] .[t;();,;select by sym from x]}

h:hopen `$":",tp
sub:{[t] r:h(".u.sub";t;`); r[0] set `sym xkey r 1}   / r is (table; empty schema)
sub each `trade`quote;
