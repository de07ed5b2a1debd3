"""``python -m nps_warehouse.generate``: the nps-generate command line."""

from nps_warehouse.generate.cli import main

main()
