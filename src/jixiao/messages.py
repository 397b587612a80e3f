"""Every user-facing message, in Chinese and English, looked up by a short code.

The wording lives in Babel message catalogs, src/jixiao/locale/<lang>/LC_MESSAGES/jixiao.po
(compiled to .mo; see scripts/messages.py); `say(code, **fields)` formats a message in the
current language: Chinese unless `--lang en` or an English locale chose otherwise.
"""

from __future__ import annotations

import functools
import gettext
import locale
import os
from collections.abc import Iterable
from importlib import resources

LANGS = ("zh", "en")
_current = "zh"

CATALOGS = {"zh": "zh_CN", "en": "en"}
"""The Babel catalog (src/jixiao/locale/<name>/LC_MESSAGES/jixiao.mo) of each language."""


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    """The compiled message catalog of `lang` (read by the standard library, as Babel's
    Translations.load reads it, without importing Babel for --help)."""
    folder = resources.files("jixiao") / "locale"
    return gettext.translation("jixiao", str(folder), [CATALOGS[lang]], fallback=True)


def set_language(lang: str | None) -> None:
    """Choose the message language: 'zh', 'en', or None for the environment's locale."""
    global _current
    if lang is None:
        env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
        env = env or (locale.getlocale()[0] or "")
        lang = "en" if env.lower().startswith("en") else "zh"
    if lang not in LANGS:
        raise ValueError(lang)
    _current = lang


def language() -> str:
    return _current


def listing(items: Iterable[str]) -> str:
    """`items` joined as a list in the current language (、 or a comma), or — if none."""
    return say("list_separator").join(items) or "—"


def say(code: str, /, **fields: object) -> str:
    """The message `code` in the current language, with `fields` filled in (a field may be
    called `code` too: the exit code of a worker)."""
    text = _catalog(_current).gettext(code)
    if text == code:
        raise KeyError(f"message {code!r} is missing from the {_current} catalog")
    return text.format(**fields)
