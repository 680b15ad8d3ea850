"""Monitoring: the analysis job, the event store, hot issues, alerts, the
triage queue and triage actions."""
