/ vwap.q: running volume-weighted average price per sym (the cookbook's cx.q "vwap").
/   tickq examples/vwap.q [host]:port -p 5014        tickerplant default :5010
/ Subscribes to trade for all syms. vwap is keyed by sym: price holds the running sum of
/ size*price and size the running sum of size, so that each update only adds (keyed
/ tables add value to value where the keys match and append new keys). The VWAP is then
/ price%size, computed when asked:
/   tickq -c :5014 -e 'select sym,vwap:price%size from vwap'

tp:$[count .z.x;.z.x 0;":5010"]           / [host]:port of the tickerplant
vwap:([sym:`symbol$()]price:`float$();size:`long$())

upd:{[t;x] vwap+:select size wsum price,sum size by sym from x}

h:hopen `$":",tp
h(".u.sub";`trade;`)                      / all syms; the answer (schema) is not needed
