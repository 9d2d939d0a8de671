"""The use-cases: the one place every door (command line, web app, API, mail) calls.

One module per subject: ``ingest`` (files through the pipeline, the watcher), ``classify`` (OCR and
classification of files, nothing stored), ``search``, ``documents``, ``review``, ``patients``,
``home`` (the data folder), ``mail`` (the e-fax mailboxes), ``duplicates`` (re-sent copies). Each
function takes the ``Context`` built by ``recordroom.wiring`` and the ``Actor`` who asks, and
returns plain records. Each read or change of patient information runs
in ``ctx.unit_of_work(actor)`` and reports itself there once, with ``unit.record(…)``: that is where
the audit trail writes its event, in the same transaction.
"""
