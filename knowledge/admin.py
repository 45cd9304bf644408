"""The help centre in the brand admin (filled in below)."""
