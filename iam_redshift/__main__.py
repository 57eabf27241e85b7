"""``python -m iam_redshift``: the same as the ``iam-redshift`` command."""

from __future__ import annotations

import sys

from iam_redshift.cli import main

if __name__ == "__main__":
    sys.exit(main())
