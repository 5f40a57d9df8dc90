"""Signing in and out, sessions, login limits, and the user's own profile."""
