"""Customer profiles (see services.py)."""
