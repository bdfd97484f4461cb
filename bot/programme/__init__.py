"""The programme itself: intake, matching, pairing, check-ins, the relay, closure and members'
rights."""
