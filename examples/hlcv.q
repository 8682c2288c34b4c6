/ hlcv.q: high, low, close (last price) and volume per sym (the cookbook's cx.q "hlcv").
/   tickq examples/hlcv.q [host]:port -p 5015        tickerplant default :5010
/ Subscribes to trade for all syms. Each update folds the new trades into the keyed table
/ hlcv: max of the highs, min of the lows, the last price and the sum of the sizes.
/ Size is kept as a long (the schema's int would overflow as a day's volume).
/   tickq -c :5015 -e 'hlcv'

tp:$[count .z.x;.z.x 0;":5010"]           / [host]:port of the tickerplant
hlcv:([sym:`symbol$()]high:`float$();low:`float$();price:`float$();size:`long$())

upd:{[t;x]hlcv::select max high,min low,last price,sum size by sym
  from(0!hlcv),select sym,high:price,low:price,price,size:`long$size from x}

h:hopen `$":",tp
h(".u.sub";`trade;`)
