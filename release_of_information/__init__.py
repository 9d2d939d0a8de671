"""Release of information: requests logged, authorizations checked, releases approved, packets
assembled and stamped, disclosures accounted for (HIPAA.md §1–5).

The stage works on SQL sessions the shell hands it and on documents it reads through a
``ReleaseSource``; the shell commits, stores the packet and writes the audit events.
"""
