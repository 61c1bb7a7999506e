"""Floor 4: the PySide6 user interface; never touches peewee or storage."""
