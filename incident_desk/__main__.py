"""Run Incident Desk with ``python -m incident_desk``."""

import sys

from incident_desk.cli import main

sys.exit(main())
