"""Which language the user reads: one setting for the console, errors, `--help`, data issues and sheets.

The order (DEFINITIONS §12): `--lang zh|en`, else the Terms key `lang` when the workbook sets it, else the
system locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE; on Windows the user's locale), else Chinese.

- a locale starting with `zh` (zh_CN.UTF-8, zh_TW, Chinese_China.936) → zh;
- any other named language (en_US.UTF-8, de_DE, English_United States) → en;
- no locale, or the neutral C / POSIX locale (servers, containers, Pyodide) → nothing said: the product's
  default, Chinese, as the Terms default.

`Bilingual` is the mixin of the errors that know both wordings: `say(lang)` gives the one to print.
"""
from __future__ import annotations

import os
import sys

LANGS = ("zh", "en")
DEFAULT = "zh"
_ENV_KEYS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def from_locale_name(name: str | None) -> str | None:
    """'zh_CN.UTF-8' → zh, 'en_US' → en, 'C' / 'POSIX' / '' → None (nothing said)."""
    if not name:
        return None
    name = str(name).strip()
    base = name.split(".")[0].split("@")[0].split(":")[0].strip()
    if not base or base.upper() in ("C", "POSIX"):
        return None
    low = base.lower()
    if low.startswith("zh") or low.startswith("chinese"):
        return "zh"
    return "en"


def from_environment(environ=None) -> str | None:
    """The language the system locale names, or None. POSIX precedence: the first of LC_ALL, LC_MESSAGES,
    LANG that is set decides (LANGUAGE, a GNU list, only when none is); on Windows without those variables,
    `locale.getlocale()`. Never fails (Pyodide has no user locale: None)."""
    env = os.environ if environ is None else environ
    for key in _ENV_KEYS:
        value = env.get(key)
        if value:
            return from_locale_name(value)
    if environ is None and sys.platform == "win32":      # pragma: no cover - Windows only
        try:
            import locale
            return from_locale_name(locale.getlocale()[0])
        except Exception:
            return None
    return None


def flag_in(argv) -> str | None:
    """`--lang zh` / `--lang=en` in the raw arguments (read before argparse builds the localized --help)."""
    args = list(argv or [])
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(args) and args[i + 1] in LANGS:
            return args[i + 1]
        if a.startswith("--lang=") and a[7:] in LANGS:
            return a[7:]
    return None


def choose(flag: str | None = None, terms=None, environ=None) -> str:
    """The one language: the flag, else a `lang` the Terms set explicitly, else the locale, else zh."""
    if flag in LANGS:
        return flag
    if terms is not None and "lang" in getattr(terms, "given", ()) and terms["lang"] in LANGS:
        return terms["lang"]
    return from_environment(environ) or DEFAULT


class Bilingual:
    """Mixin for errors said in both languages. `str(e)` keeps both ('zh / en') for logs where the reader's
    language is unknown; `say(lang)` is the one line to show a reader of `lang`."""

    def __init__(self, en: str = "", zh: str | None = None):
        self.en, self.zh = en, zh
        super().__init__(en if zh is None else f"{zh} / {en}")

    def say(self, lang: str | None) -> str:
        if self.zh is None:
            return str(self)
        return self.zh if lang == "zh" else self.en if lang == "en" else str(self)


def say(e: BaseException, lang: str | None) -> str:
    """The message of `e` in `lang` when it knows both wordings, else as it is."""
    return e.say(lang) if isinstance(e, Bilingual) else str(e)
