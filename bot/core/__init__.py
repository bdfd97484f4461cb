"""Shared vocabulary every package may use: time, codes, text, buttons, metrics; imports no other
bot package."""
