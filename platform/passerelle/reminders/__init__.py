"""Every message the platform sends: the outbox, the dispatcher, preferences, calendars."""
