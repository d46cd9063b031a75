"""Fill msgstr values in .po files from a Python dict file: used when translating in bulk.

Usage: .venv/bin/python scripts/fill_translations.py DICT.py PO [PO ...]
(DICT.py defines T = {"English msgid": "日本語", ...}; existing translations are kept.)"""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

table = runpy.run_path(sys.argv[1])["T"]
for path in sys.argv[2:]:
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale="ja")
    filled = 0
    for message in catalog:
        if (
            message.id
            and not message.string
            and isinstance(message.id, str)
            and message.id in table
        ):
            message.string = table[message.id]
            filled += 1
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{path}: filled {filled}, still missing {len(missing)}: {missing[:10]}")
