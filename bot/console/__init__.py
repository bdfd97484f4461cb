"""What coordinators see: reports, the dashboard, export, digest, evaluation, broadcasts and
topics."""
