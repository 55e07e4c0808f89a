"""Stage 4 — rendering: one sheet model (labels, sheets) and its renderers (xlsx, charts, pdf, console)."""
