"""The one check Python needs on datetimes: an instant must carry a timezone.

The generated bindings lower every core ``Timestamp`` through ``utc`` (see ``core/uniffi.toml``), so a
naive ``datetime`` fails with a ``ConfigError`` that says to add a timezone, wherever it is given.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any


def utc(value: Any) -> Any:
    """``value`` in UTC when it is an aware ``datetime``; a naive one raises ``ConfigError``."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            from ._errors import config_error

            raise config_error(
                f"datetime {value.isoformat()} has no timezone: add one, e.g. "
                "datetime.now(timezone.utc) or dt.replace(tzinfo=timezone.utc)"
            )
        return value.astimezone(_dt.timezone.utc)
    return value
