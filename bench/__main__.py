"""`python -m bench [name ...]`: run the named benchmarks, or all of them."""

import sys

from bench.harness import main

sys.exit(main(sys.argv[1:]))
