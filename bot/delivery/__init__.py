"""Getting messages out and updates in: sender, limiter, pacing, lanes, holds, sweeps, inbox,
webhook; feature-blind."""
