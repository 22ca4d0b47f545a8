#!/usr/bin/env python
"""Django's manage.py, for those who expect one; `shopdesk` does the same."""

from shopdesk.cli import main

if __name__ == "__main__":
    main()
