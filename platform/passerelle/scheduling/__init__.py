"""Scheduling: events of a programme, their occurrences in Europe/Brussels, sign-ups and
waitlists, check-in and hours, detention visit rotas, calendar feeds."""
