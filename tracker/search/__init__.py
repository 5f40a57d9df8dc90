"""Search across meetings, tasks and assignments, ignoring accents and case."""
