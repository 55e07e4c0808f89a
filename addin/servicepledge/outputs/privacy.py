"""Masking of personal data (customer, phone, payee, staff names) in sheets meant to be shared.

The commitment forbids leaking customer information: 张伟 -> 张*, 北京华信科技有限公司 -> 北京********,
13812345678 -> 138****5678.
"""
from __future__ import annotations

import re


def mask_name(v: str) -> str:
    s = str(v).strip()
    if not s:
        return s
    if re.fullmatch(r"[A-Za-z .'-]+", s):          # Latin names: keep initials
        return " ".join(p[0] + "*" * max(len(p) - 1, 1) for p in s.split())
    keep = 1 if len(s) <= 4 else 2                  # person vs organisation
    return s[:keep] + "*" * max(len(s) - keep, 1)


def mask_phone(v: str) -> str:
    digits = re.sub(r"\D", "", str(v))
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_value(v, kind: str = "name"):
    if v is None or (isinstance(v, float) and v != v):
        return v
    return mask_phone(v) if kind == "phone" else mask_name(v)
