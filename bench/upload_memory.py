"""Peak memory of a gunicorn worker receiving a huge anonymous upload on the public form.

    python -m bench.upload_memory [--mb 400] [--declared-mb N]

Starts a fresh installation (SQLite in a temporary folder) with one open consultation, serves it
with gunicorn (one sync worker), fetches the form (CSRF cookie and token), then streams a
multipart body with one file of --mb megabytes, generated on the fly (never held whole by this
client either). Prints the answer's status, how long it took and the worker's peak resident
memory (VmHWM) before and after. `--declared-mb` sends a smaller Content-Length than the body
(the server reads no more than it declares).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOUNDARY = "----samskab-bench-boundary"
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _peak_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=400)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="samskab-upload-bench-") as tmp:
        env = {**os.environ, "SAMSKAB_VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "samskab.settings",
               "SAMSKAB_INSECURE_HTTP": "true", "SAMSKAB_STATIC_MANIFEST": "false"}
        env.pop("DATABASE_URL", None)
        samskab = [sys.executable, "-m", "samskab.cli"]
        subprocess.run([*samskab, "migrate", "-v", "0"], env=env, check=True,  # noqa: S603
                       cwd=ROOT)
        subprocess.run([sys.executable, "-c", (  # noqa: S603 - fixed arguments
            "import sys; sys.path.insert(0, 'tests'); import django; django.setup(); "
            "from factories import ConsultationFactory; ConsultationFactory(slug='bench')")],
            env=env, check=True, cwd=ROOT)
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [*samskab, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--no-collectstatic"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            connection.request("GET", "/hoeringer/bench/svar/")
            page = connection.getresponse()
            html = page.read().decode()
            cookie = page.getheader("Set-Cookie", "").split(";")[0]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            workers = _children(server.pid)
            before = {pid: _peak_kb(pid) for pid in workers}

            head = "".join(
                f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                for k, v in (("csrfmiddlewaretoken", token), ("respondent_kind", "citizen"),
                             ("text", "Et svar med et meget stort bilag"))
            ) + (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; "
                 f"filename=\"stort.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
            tail = f"\r\n--{BOUNDARY}--\r\n".encode()
            size = args.mb * 1024 * 1024
            length = len(head.encode()) + size + len(tail)
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            connection.putrequest("POST", "/hoeringer/bench/svar/")
            connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
            connection.putheader("Content-Length", str(length))
            connection.putheader("Cookie", cookie)
            connection.putheader("Referer", f"http://127.0.0.1:{port}/hoeringer/bench/svar/")
            connection.endheaders()
            sent = 0
            try:
                connection.send(head.encode())
                chunk = b"%PDF-" + b"0" * (1024 * 1024 - 5)
                while sent < size:
                    connection.send(chunk[:min(len(chunk), size - sent)])
                    sent += min(len(chunk), size - sent)
                connection.send(tail)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed without reading the rest
            answer = connection.getresponse()
            answer.read()
            seconds = time.perf_counter() - started
            after = {pid: _peak_kb(pid) for pid in _children(server.pid)}
        finally:
            server.terminate()
            server.wait()
    print(f"upload {args.mb} MB: HTTP {answer.status} in {seconds:.1f} s; client sent "
          f"{sent / 2**20:.0f} MB")
    for pid, peak in after.items():
        print(f"worker {pid}: peak RSS {before.get(pid, 0) / 1024:.0f} MB before, "
              f"{peak / 1024:.0f} MB after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
