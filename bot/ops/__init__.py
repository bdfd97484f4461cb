"""The operator's side of the process: backup, restore and status, health checks, the watchdog,
error reporting."""
