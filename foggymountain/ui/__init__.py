"""The Textual user interface. Everything here shows core objects; `app.make_app()` builds it."""
