sy:`a`b`c;e:`sy$`a`c`a;(e;type e;value e;first e;e 1 0;e=`a;where e=`a;group e;asc e;e in `c;string e;-8!e)
