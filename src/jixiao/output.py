"""Write rendered files atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jixiao.errors import ContentError, error
from jixiao.messages import say


def write_atomic(target: Path, data: bytes) -> None:
    """Put `data` at `target` whole or not at all; never a half-written file at `target`."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ContentError(
            [
                error(
                    target,
                    None,
                    "",
                    say("write_failed", path=target, detail=exc.strerror or exc),
                    say("write_failed_hint"),
                )
            ]
        ) from None
