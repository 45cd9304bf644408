"""Events in the brand admin (filled in below)."""
