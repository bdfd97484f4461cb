"""The crisis path: the reply, escalation to coordinators, alerts, the safety plan and aftercare."""
