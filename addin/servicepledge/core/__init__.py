"""Stage 2 — the rules every KPI shares: terms, working time, periods, as_of, availability, populations."""
