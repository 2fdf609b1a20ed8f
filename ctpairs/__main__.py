import sys

from ctpairs.cli import main

sys.exit(main())
