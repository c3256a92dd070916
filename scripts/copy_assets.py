"""Copy the front-end packages' built files from node_modules into the web app's static folder.

Only what the pages use: DKFDS's CSS, JS, fonts and icons, and htmx. The copies are not
committed (see .gitignore); `make install` makes them.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "samskab" / "web" / "static" / "vendor"
COPIES = {
    "node_modules/dkfds/dist/css/dkfds.min.css": "dkfds/css/dkfds.min.css",
    # The source maps the minified files name: the hashed static storage resolves them.
    "node_modules/dkfds/dist/css/dkfds.min.css.map": "dkfds/css/dkfds.min.css.map",
    "node_modules/dkfds/dist/js/dkfds.min.js": "dkfds/js/dkfds.min.js",
    "node_modules/dkfds/dist/js/dkfds.min.js.map": "dkfds/js/dkfds.min.js.map",
    "node_modules/dkfds/dist/fonts": "dkfds/fonts",
    "node_modules/dkfds/dist/img": "dkfds/img",
    "node_modules/dkfds/dist/LICENSE.md": "dkfds/LICENSE.md",
    "node_modules/htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
}


def main() -> int:
    for source, target in COPIES.items():
        src = ROOT / source
        dst = TARGET / target
        if not src.exists():
            print(f"error: {source} is missing; run `npm ci` first", file=sys.stderr)  # noqa: T201
            return 1
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
