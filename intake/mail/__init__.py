"""The e-fax mailbox: a second road into the same intake pipeline as the watched folder."""
