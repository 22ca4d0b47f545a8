"""gunicorn settings for a benchmark whose clients connect before they have a request to send.

wrk connects again as soon as an answer arrives (gunicorn's sync workers close every connection), also
when the script then waits before its next request (the chat benchmark's paced mode). A sync worker
that accepted that connection would sit waiting for the request, serving nobody, and the benchmark
would measure wrk's early connection rather than the server (gunicorn recommends a buffering proxy in
front of sync workers for the same reason). With TCP_DEFER_ACCEPT the kernel hands a connection to
`accept()` only once its first bytes have arrived. `gunicorn -c bench/_gunicorn_defer_accept.py …` (Linux).
"""

from __future__ import annotations

import socket
from typing import Any

DEFER_SECONDS = 60  # longer than any gap the benchmarks leave between connecting and sending


def when_ready(server: Any) -> None:
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, DEFER_SECONDS)
