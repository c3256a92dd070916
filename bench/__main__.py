"""``python -m bench``: every benchmark with its quick defaults (figures on stdout)."""

import sys

from bench import analysis

if __name__ == "__main__":
    sys.exit(analysis.main([]))
