"""The game's screens, one per file."""
