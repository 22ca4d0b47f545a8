"""Django's SQLite backend, with a writer that waits for the write lock without oversleeping."""
