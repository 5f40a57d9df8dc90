"""The calendar of deadlines and its iCalendar feeds."""
