/ show.q: counts the rows received per table and prints them on a timer (the cookbook's
/ cx.q "show").
/   tickq examples/show.q [host]:port -p 5018 [-t MS]  tickerplant default :5010
/ Subscribes to trade and quote for all syms. Every timer tick (-t MS; 5000 ms when no
/ timer is set) it prints the time and the total rows received so far to stdout; the
/ counts are also there to query:
/   tickq -c :5018 -e 'tabcount'
/ (the cookbook starts from ()!() and adds (enlist t)!enlist count x; starting from zero
/ counts for the subscribed tables gives the same dictionary.)

tp:$[count .z.x;.z.x 0;":5010"]           / [host]:port of the tickerplant
subscribed:`trade`quote
tabcount:subscribed!count[subscribed]#0

upd:{[t;x] tabcount[t]+:count x}

.z.ts:{if[0<sum tabcount;
  -1"current total received record counts at time ",string .z.T;
  show tabcount;
  -1"";]}
if[0=system"t";system"t 5000"]            / the cookbook's default period

h:hopen `$":",tp
{h(".u.sub";x;`)} each subscribed;
