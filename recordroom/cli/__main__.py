import sys

from recordroom.cli import main

sys.exit(main())
