"""`python -m lib.build`: see lib/build/cli.py."""

import sys

from lib.build.cli import main

sys.exit(main())
