"""The application's core pieces, shared by every part of it."""
