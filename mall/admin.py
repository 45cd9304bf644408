"""The shop in the brand admin (filled in below)."""
