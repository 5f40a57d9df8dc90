"""Plumbing every layer may use: clock, database, translations, Flask extensions, ids,
time rules."""
