"""Desk pages: the public contact form, and the agents' inbox, ticket page and their forms."""
