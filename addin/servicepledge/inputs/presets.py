"""Ready mappings for the standard exports of common ticketing systems (`--preset NAME`).

Each preset is a TOML file in ``servicepledge/data/presets`` (the format of `mapping`), named after
the columns the system's own export writes; its header comment cites the documentation. A preset
is lenient: the export may hold any of the columns it lists (a column left out of the export only
makes its figures unavailable, with the usual missing-column warning).
"""
from __future__ import annotations

from .mapping import Mapping, from_dict
from .tables import InputError

PRESETS = {"servicenow": "ServiceNow incident", "jira": "Jira Service Management", "zendesk": "Zendesk",
           "freshdesk": "Freshdesk"}
_ALIASES = {"snow": "servicenow", "jsm": "jira", "jira-service-management": "jira", "jiraservicemanagement": "jira"}


def names() -> list[str]:
    return list(PRESETS)


def text(name: str) -> str:
    """The preset's TOML text (as shipped in the package)."""
    from importlib.resources import files
    return (files("servicepledge") / "data" / "presets" / f"{name}.toml").read_text(encoding="utf-8")


def load(name: str) -> Mapping:
    """The mapping of preset `name` (servicenow, jira, zendesk, freshdesk); InputError listing them otherwise."""
    import tomllib
    key = "".join(str(name).split()).lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key not in PRESETS:
        raise InputError(f"there is no preset '{name}'; use one of {', '.join(PRESETS)} "
                         f"(or describe your export's columns with --map FILE.toml)",
                         zh=f"没有名为“{name}”的预设；请使用 {'、'.join(PRESETS)} 之一（或用 --map FILE.toml "
                            f"写出导出文件的列映射）")
    return from_dict(tomllib.loads(text(key)), f"preset {key}", strict=False)
