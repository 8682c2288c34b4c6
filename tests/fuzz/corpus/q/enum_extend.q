sy:`a`b;a:`sy?`a`c`d`c;b:`new?`x`y;r:(a;sy;b;new;`sy?`symbol$();(`sy$`a)~`sy$`a);`sy$`z
