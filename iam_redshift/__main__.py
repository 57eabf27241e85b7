"""``python -m iam_redshift``: the same as the ``iam-redshift`` command."""

from __future__ import annotations

from iam_redshift.cli import main_entry

if __name__ == "__main__":
    main_entry()
