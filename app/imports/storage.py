"""The uploaded file, kept on the server between the preview and the confirmation under
settings.data_dir/imports, named by a random id and tied to the person who uploaded it: the
confirmation saves exactly the file that was previewed, never anything the client sends again."""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from app import clock
from app.config import Settings

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_HOURS = 24


@dataclass(frozen=True)
class Upload:
    id: str
    uploader_id: uuid.UUID
    centre_id: uuid.UUID
    filename: str
    content: bytes


def _folder(settings: Settings) -> Path:
    folder = settings.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(
    settings: Settings, uploader_id: uuid.UUID, centre_id: uuid.UUID, filename: str, content: bytes
) -> Upload:
    _forget_old(settings)
    upload_id = secrets.token_urlsafe(24)
    folder = _folder(settings)
    (folder / f"{upload_id}.data").write_bytes(content)
    meta = {
        "uploader_id": str(uploader_id),
        "centre_id": str(centre_id),
        "filename": filename[:200],
        "at": clock.now().isoformat(),
    }
    (folder / f"{upload_id}.json").write_text(json.dumps(meta), encoding="utf-8")
    return Upload(upload_id, uploader_id, centre_id, filename, content)


def find(settings: Settings, upload_id: str, uploader_id: uuid.UUID) -> Upload | None:
    """The upload, only for the person who made it (anyone else: as if it did not exist)."""
    if not UPLOAD_ID.match(upload_id):
        return None
    folder = _folder(settings)
    try:
        meta = json.loads((folder / f"{upload_id}.json").read_text(encoding="utf-8"))
        content = (folder / f"{upload_id}.data").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("uploader_id") != str(uploader_id):
        return None
    return Upload(upload_id, uploader_id, uuid.UUID(meta["centre_id"]), meta.get("filename", ""), content)


def forget(settings: Settings, upload_id: str) -> None:
    folder = _folder(settings)
    for suffix in (".json", ".data"):
        (folder / f"{upload_id}{suffix}").unlink(missing_ok=True)


def _forget_old(settings: Settings) -> None:
    """Case data must not pile up on disk: uploads nobody confirmed go after a day."""
    limit = time.time() - KEEP_HOURS * 3600  # file ages are wall-clock time, like the files
    for path in _folder(settings).glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                forget(settings, path.stem)
        except OSError:
            continue
