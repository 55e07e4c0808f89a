"""Stage 1 — reading: every source (workbook, Excel arguments) becomes the same typed, checked tables."""
