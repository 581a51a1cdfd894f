"""make, the vendor's batch method: every rule it has, in this package.

Where is it decided?

==========================================  ===================================
the envelope: token, 1000 rows, not a batch  envelope.py (errorcodes 1, 4, 5)
what each errorcode means, its HTTP status   report.py (0-5; 0/2/3: ``of_rows``)
a row's shape (fields, types, lengths)       schemas/make.row.json
time fields inherited; start before stop     rules.py, ``inherit`` (the one place)
default scenario, maxcount, the record       rules.py
a refused row, a duplicate, the journal      rows.py (the row road)
a clean batch, fast                          columns.py (same rules.py functions)
unknown fields, numbers for strings          lint.py (also newcall's and cdr's)
CSV/JSON files from the dashboard            batchfile.py
==========================================  ===================================

``Backend.make`` reads the envelope, then takes the column road when the batch is clean
and new (nothing to explain), else the row road; both call the same rule functions.
"""
