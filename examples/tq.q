/ tq.q: every trade with the quote prevailing when it arrived (the cookbook's cx.q "tq").
/   tickq examples/tq.q [host]:port -p 5017          tickerplant default :5010
/ Subscribes to quote and trade for all syms. q holds the latest bid, ask and sizes per
/ sym; each trade update is appended to tq left-joined (lj) with q, so every trade row
/ carries the quote of its sym at that moment (null before the sym's first quote). The
/ tickerplant publishes in arrival order, so this is an as-of join done as data arrives.
/   tickq -c :5017 -e 'select from tq where sym=`IBM'

tp:$[count .z.x;.z.x 0;":5010"]           / [host]:port of the tickerplant

h:hopen `$":",tp
quote:last h(".u.sub";`quote;`)           / the empty schemas of both tables
trade:last h(".u.sub";`trade;`)
q:`sym xkey select sym,bid,ask,bsize,asize from quote
tq:trade lj q

/ a trade update that fails to join is reported on stderr (the cookbook drops it silently)
upd:{[t;x]$[t~`trade;
  @[{tq,:x lj q};x;{-2"tq: trade update failed: '",x;}];
  q,:select by sym from select sym,bid,ask,bsize,asize from x]}
