#!/usr/bin/env python3
"""Holds flakeid's SQLSTATEs to one registry, src/pg/errors/codes.hpp.

Fails when:
  - an entry of the registry is malformed: its #define does not carry the code and the name
    of the comment above it;
  - a code of class FL is defined anywhere else (MAKE_SQLSTATE('F', 'L', ...)), or named in
    src/ or sql/ (every .sql below it) without being in the registry (a PL/pgSQL `USING ERRCODE = 'FL0nn'`,
    an errcode(), a comment);
  - the error table of README.md (and of docs/*.md, where the table may live) has no row
    for a code of the registry, a row for a code that is not in it, or a row whose name
    differs or whose text does not begin with the registry's meaning.

    check-errors.py        run from anywhere; prints what disagrees
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]
registry_path = root / "src/pg/errors/codes.hpp"
problems = []


def where(path, number):
    return f"{path.relative_to(root)}:{number}"


# ---- the registry: `// FLnnn name: meaning`, then `#define ERRCODE_FLAKEID_NAME MAKE_SQLSTATE(...)`
entry = re.compile(r"^// (FL\d{3}) ([a-z_]+): (.+)$")
define = re.compile(r"^#define (ERRCODE_FLAKEID_[A-Z_]+) MAKE_SQLSTATE\(('.'(?:, '.'){4})\)$")
registry = {}  # code -> (name, meaning)
lines = registry_path.read_text().splitlines()
for i, line in enumerate(lines):
    if line.startswith("#define ERRCODE_"):
        m = define.match(line)
        e = entry.match(lines[i - 1]) if i > 0 else None
        if not m or not e:
            problems.append(f"{where(registry_path, i + 1)}: not an entry of the registry "
                            f"(`// FLnnn name: meaning` above `#define ERRCODE_FLAKEID_NAME "
                            f"MAKE_SQLSTATE(...)`)")
            continue
        code, name, meaning = e.groups()
        chars = "".join(re.findall(r"'(.)'", m.group(2)))
        if chars != code:
            problems.append(f"{where(registry_path, i + 1)}: {m.group(1)} is {chars}, "
                            f"but its comment says {code}")
        if m.group(1) != "ERRCODE_FLAKEID_" + name.upper():
            problems.append(f"{where(registry_path, i + 1)}: {m.group(1)} should be named "
                            f"ERRCODE_FLAKEID_{name.upper()} after its comment")
        if code in registry:
            problems.append(f"{where(registry_path, i + 1)}: {code} is in the registry twice")
        registry[code] = (name, meaning)
if "FL000" not in registry:
    problems.append(f"{registry_path.relative_to(root)}: FL000, the class, is missing")

# ---- every code used in src/ and sql/*.sql is in the registry, and defined only there
code_use = re.compile(r"\bFL\d{3}\b")
sqlstate_def = re.compile(r"MAKE_SQLSTATE\(\s*'F'\s*,\s*'L'")
sources = sorted(p for p in (root / "src").rglob("*") if p.suffix in (".cpp", ".hpp"))
sources += sorted((root / "sql").rglob("*.sql"))
for path in sources:
    if path == registry_path:
        continue
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if sqlstate_def.search(line):
            problems.append(f"{where(path, number)}: a code of class FL defined outside "
                            f"the registry ({registry_path.relative_to(root)})")
        for code in code_use.findall(line):
            if code not in registry:
                problems.append(f"{where(path, number)}: {code} is not in the registry "
                                f"({registry_path.relative_to(root)})")

# ---- the error table: rows `| `FLnnn` name | text |` in README.md and docs/*.md
row = re.compile(r"^\|\s*`(FL\d{3})`(.*?)\|(.*)\|\s*$")
documents = [root / "README.md"] + sorted((root / "docs").glob("*.md"))
rows = {}  # code -> [(place, name, text)]
for path in documents:
    if not path.exists():
        continue
    for number, line in enumerate(path.read_text().splitlines(), 1):
        m = row.match(line)
        if not m:
            continue
        code, name, text = m.group(1), m.group(2).strip(), m.group(3).strip()
        if "`FL" in name:
            problems.append(f"{where(path, number)}: one code per row of the error table")
        rows.setdefault(code, []).append((where(path, number), name, text))

for code, (name, meaning) in sorted(registry.items()):
    if code not in rows:
        problems.append(f"the error table (README.md, docs/*.md) has no row for {code} "
                        f"{name}: {meaning}")
        continue
    for place, row_name, text in rows[code]:
        if row_name != name:
            problems.append(f"{place}: {code} is named \"{row_name}\" in the table, "
                            f"\"{name}\" in the registry")
        if not text.startswith(meaning):
            problems.append(f"{place}: the table's text for {code} does not begin with the "
                            f"registry's meaning\n    table:    {text[:len(meaning) + 20]}\n"
                            f"    registry: {meaning}")
for code in sorted(set(rows) - set(registry)):
    for place, _, _ in rows[code]:
        problems.append(f"{place}: {code} is in the error table but not in the registry")

if problems:
    print("\n".join(problems))
    print(f"check-errors.py: {len(problems)} disagreement(s) between the registry of errors "
          f"and its uses", file=sys.stderr)
    sys.exit(1)
print(f"check-errors.py: {len(registry)} codes (FL000 the class), each in the error table "
      f"as in the registry; every code in src/ and sql/ registered")
