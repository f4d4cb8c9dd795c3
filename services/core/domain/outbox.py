"""Outgoing e-mail as RFC 5322 files in an outbox directory.

The embedded core has no mail server; a deployment that has one relays the directory (any
MTA or a cron job can pick up ``*.eml`` files), and a person running the core locally opens
the newest file. Files are private to the user (0600): they carry single-use tokens.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from services.settings import get_settings

SENDER = "Voltra <no-reply@voltra.invalid>"


def send(directory: Path, to: str, subject: str, body: str) -> Path:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = subject
    now = datetime.now(UTC)
    message["Date"] = format_datetime(now)
    message.set_content(body)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(bytes(message))
    return path


def directory_for(db_path: Path) -> Path:
    """``VOLTRA_OUTBOX_DIR``, else ``outbox/`` beside the core's database."""
    configured = get_settings().outbox_dir
    return configured if configured else Path(db_path).parent / "outbox"
