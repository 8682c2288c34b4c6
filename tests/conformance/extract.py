#!/usr/bin/env python3
"""extract.py: copy the §7.4 checklist of q-subset.md into rows.txt (run by hand).

Usage: extract.py path/to/q-subset.md > rows.txt
Each output line is: id TAB tier TAB feature TAB expression TAB expected.
The expression is the q text as typed. The expected display keeps §7.3's encoding
(\\n separates lines, \\\\ is one backslash) with \\| already turned into |; an empty
expected field means the console prints nothing.
SPDX-License-Identifier: MIT
"""
import re
import sys


def split_cells(line):
    """Split a markdown table row on | that is not escaped as \\|."""
    cells, cur, i = [], "", 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == "|":
            cur += "|"
            i += 2
            continue
        if line[i] == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += line[i]
        i += 1
    cells.append(cur)
    return cells[1:-1]


def code_span(cell):
    """The content of a code span: drop the backtick fence and one blank each side."""
    cell = cell.strip()
    if cell == "(nothing)":
        return ""
    m = re.match(r"^(`+)(.*?)\1$", cell, re.S)
    if not m:
        raise ValueError("not a code span: " + cell)
    body = m.group(2)
    if body.startswith(" ") and body.endswith(" ") and len(body) >= 2:
        body = body[1:-1]
    return body


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    start = text.index("### 7.4 Checklist")
    rows = 0
    for line in text[start:].splitlines():
        if not re.match(r"^\| [A-Z]\d{3} \|", line):
            continue
        cells = split_cells(line)
        if len(cells) != 5:
            raise ValueError("bad row: " + line)
        rid, tier, feature, expr, want = [c.strip() for c in cells[:3]] + cells[3:]
        for field in (feature,):
            if "\t" in field:
                raise ValueError("tab in row " + rid)
        print("\t".join([rid, tier, feature, code_span(expr), code_span(want)]))
        rows += 1
    print(rows, "rows", file=sys.stderr)


if __name__ == "__main__":
    main()
