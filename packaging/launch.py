"""The bundle's entry point: the same front door as `python -m incident_desk` and the installed scripts."""

import sys

from incident_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
