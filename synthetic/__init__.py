"""Made-up material shared by the tests, the benches and model training (none of it ships):

- ``synthetic.files``: real files a scanner, fax machine, phone or PDF producer could have made
  (scanned and born-digital PDFs, fax TIFFs, photos, broken and hostile inputs), with known text;
- ``synthetic.registries``: a patient registry full of traps, and people who are not in it;
- ``synthetic.headers``: documents naming a patient the many ways offices write them.

The form-text generator the model trains on lives in ``training.generate``.
"""
