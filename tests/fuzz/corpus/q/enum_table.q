sy:`a`b`c;t:([]s:`sy$`a`b`a`c;v:til 4);r:(select sum v by s from t;select from t where s in `a`c;update s:`b from t where v=1;`s xasc t;meta t);@[`sy$`a`b;0;:;`z]
