"""Copy the front-end packages' built files from node_modules into the web app's static folder.

Only what the pages use: DKFDS's CSS and JS (with the source maps they name), the fonts and
images its CSS refers to, and htmx. DKFDS ships each font in five formats and a split set
(12 MB); its CSS names 18 of those files, and compressing the rest cost every production
`collectstatic` about a minute. The copies are not committed (see .gitignore); `make install`
makes them, and a rerun leaves nothing stale behind.
"""

import re
import shutil
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "samskab" / "web" / "static" / "vendor"
DKFDS = "node_modules/dkfds/dist"
COPIES = {
    f"{DKFDS}/css/dkfds.min.css": "dkfds/css/dkfds.min.css",
    # The source maps the minified files name: the hashed static storage resolves them.
    f"{DKFDS}/css/dkfds.min.css.map": "dkfds/css/dkfds.min.css.map",
    f"{DKFDS}/js/dkfds.min.js": "dkfds/js/dkfds.min.js",
    f"{DKFDS}/js/dkfds.min.js.map": "dkfds/js/dkfds.min.js.map",
    f"{DKFDS}/LICENSE.md": "dkfds/LICENSE.md",
    "node_modules/htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
}
# url(...) in CSS, quoted or not; the query or fragment (an icon's #id, a font's ?#iefix) is not
# part of the file's name
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def css_files(css: Path) -> list[PurePosixPath]:
    """The files a stylesheet refers to, relative to its own folder (data: and absolute URLs
    left out), each once."""
    found = []
    for match in CSS_URL.finditer(css.read_text(encoding="utf-8")):
        url = match.group(2).strip()
        if ":" in url or url.startswith(("/", "#")):
            continue
        path = PurePosixPath(re.split(r"[?#]", url, maxsplit=1)[0])
        if path not in found:
            found.append(path)
    return found


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def main() -> int:
    missing = [source for source in COPIES if not (ROOT / source).exists()]
    if missing:
        print(f"error: {missing[0]} is missing; run `npm ci` first", file=sys.stderr)  # noqa: T201
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    for source, target in COPIES.items():
        _copy(ROOT / source, TARGET / target)
    css = ROOT / DKFDS / "css" / "dkfds.min.css"
    for relative in css_files(css):
        source = (css.parent / relative).resolve()
        if not source.is_file() or not source.is_relative_to((ROOT / DKFDS).resolve()):
            print(f"error: dkfds.min.css refers to {relative}, which is not in {DKFDS}",  # noqa: T201
                  file=sys.stderr)
            return 1
        _copy(source, TARGET / "dkfds" / source.relative_to((ROOT / DKFDS).resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
