"""One lock per site under ``DATA_DIR/locks/``, held by every run of that site.

An advisory ``flock`` on ``<site>.lock``: the kernel releases it when the holding process ends,
however it ends, so a lock left by a killed run is simply taken over by the next one. The file
says who holds it (pid, command, since when), for the message of a run that finds it held.
"""

import fcntl
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from crawler.dates import VN_TZ, to_iso

# The exit status of a run whose site another run holds (EX_TEMPFAIL: try again later).
EXIT_LOCKED = 75


def shown_command(argv: list[str]) -> list[str]:
    """The command line without the values of ``-s NAME=VALUE``: one may be a secret
    (ALERT_SMTP_PASSWORD=...), and the lock file stays in DATA_DIR after the run."""
    shown, hide_next = [], False
    for argument in argv:
        if hide_next:
            shown.append(argument.partition("=")[0] + "=…")
            hide_next = False
        elif argument in ("-s", "--set"):
            shown.append(argument)
            hide_next = True
        elif argument.startswith("--set="):
            shown.append("--set=" + argument.removeprefix("--set=").partition("=")[0] + "=…")
        elif argument.startswith("-s") and "=" in argument:
            shown.append(argument.partition("=")[0] + "=…")
        else:
            shown.append(argument)
    return shown


class SiteLocked(Exception):
    """Another running crawl holds the site's lock; the message says which."""


class LockUnavailable(Exception):
    """The lock could not be asked for (distributed mode: Redis did not answer)."""


class SiteLock:
    def __init__(self, data_dir: str | Path, site: str):
        self.path = Path(data_dir) / "locks" / f"{site}.lock"
        self.site = site
        self._descriptor: int | None = None

    def acquire(self) -> "SiteLock":
        """Take the lock at once or raise SiteLocked naming its holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._holder(descriptor)
            os.close(descriptor)
            raise SiteLocked(f"{self.site} is being crawled by another run ({holder})") from None
        os.ftruncate(descriptor, 0)
        note = {
            "pid": os.getpid(),
            "since": to_iso(datetime.now(VN_TZ)),
            "command": shown_command(sys.argv),
        }
        os.write(descriptor, json.dumps(note).encode())
        self._descriptor = descriptor
        return self

    @staticmethod
    def _holder(descriptor: int) -> str:
        try:
            note = json.loads(os.pread(descriptor, 4096, 0) or b"{}")
            return f"pid {note['pid']} since {note['since']}"
        except (ValueError, KeyError, OSError):
            return "holder unknown"

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing releases the flock
            self._descriptor = None
