"""The sandboxed child of `extract_text` (`python -m samskab.extraction`)."""

import sys

from samskab.extraction import _worker_main

sys.exit(_worker_main())
