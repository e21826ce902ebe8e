"""The game's widgets, one per file: they show core objects and compute nothing about the terrain."""
