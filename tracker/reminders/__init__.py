"""What the reminders say and when they are made: digests, summaries, due-soon and event mails."""
