"""Writes for the representatives data: imports, swaps, uploads and clean-up (one module per concern)."""
