"""make, the vendor's batch method: every rule it has, in this package.

Where is it decided?

- the envelope (the token, at most 1000 rows, a batch at all): ``envelope.py``,
  errorcodes 1, 4, 5; the 1000 is the envelope schema's ``maxItems``;
- what each errorcode (0-5) means and its HTTP status; 0, 2 or 3 for a taken batch:
  ``report.py``;
- a row's shape (its fields, types, lengths): ``schemas/make.row.json``;
- where the time fields are inherited, and that a window opens before it closes:
  ``rules.py``, :func:`~.rules.inherit`, the one place for either;
- the default scenario and maxcount, the record a row becomes: ``rules.py``;
- a refused row, a skipped duplicate, and what the journal says of them: ``rows.py``
  (the row road);
- a clean batch of new numbers, fast: ``columns.py`` (the column road, calling the same
  ``rules.py`` functions);
- unknown fields and numbers sent for strings (journal warnings): ``lint.py``, which
  newcall and cdr use too;
- CSV and JSON files uploaded from the dashboard: ``batchfile.py``.

``Backend.make`` reads the envelope, then takes the column road when the batch is clean
and new (nothing to explain), else the row road.
"""
