"""Choices of the help center: where an article revision came from."""

from django.db import models


class RevisionOrigin(models.TextChoices):
    FILE = "file", "Synced from the package files"  # `shopdesk helpcenter sync` or the post-migrate seed
    ADMIN = "admin", "Edited in the admin"
    RESTORE = "restore", "Restored from an earlier revision"
