"""Meetings (cuộc họp), their conclusion notices and the notice parser."""
