"""``python -m experiments.cli``: the ``purges`` command."""

from experiments.cli.main import main

raise SystemExit(main())
