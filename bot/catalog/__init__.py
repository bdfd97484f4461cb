"""Typed, validated views of the files in content/ (one module per content kind)."""
